#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# A STAND-IN for ssh(1), for dry runs of REMOTE_TYPE=ssh where no sshd is:
# installed as `ssh` first on PATH, `ssh [OPTIONS] [USER@]NETNS [OPTIONS]
# COMMAND...` runs COMMAND in network namespace NETNS the way sshd would run
# it: the words joined by spaces and given to a shell (sh -c), so the
# caller's quoting for the remote shell is what is tested. Options (-o X,
# -p N, -l U, -i F, single letters) are accepted and ignored; nothing is
# encrypted or authenticated, no user is switched. Not a test: remote_ssh.sh
# and docs/testing.md ("Environment") use it.
host=
while [ $# -gt 0 ]; do
	case $1 in
	-[bcDEeFIiJLlmOoPpQRSWw]) shift 2 ;;	# ssh's options that take an argument
	-[bcDEeFIiJLlmOoPpQRSWw]?*|-[46AaCfGgKkMNnqsTtVvXxYy]*) shift ;;
	--) shift; break ;;
	*)
		[ -z "$host" ] || break
		host=$1
		shift ;;
	esac
done
[ -n "$host" ] || { echo "netns_ssh.sh: no host" >&2; exit 255; }
[ $# -gt 0 ] || { echo "netns_ssh.sh: no command (no interactive shell here)" >&2; exit 255; }
ns=${host#*@}
ip netns exec "$ns" true 2>/dev/null || { echo "ssh: Could not resolve hostname $ns (netns_ssh.sh: no such namespace)" >&2; exit 255; }
exec ip netns exec "$ns" sh -c "$*"

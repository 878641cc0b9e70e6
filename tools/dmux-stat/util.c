// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Shared by every command: errors, exit codes, checks, pin directory, lock, maps. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include "util.h"
#include "json.h"

struct opts g_opts;
static int failed;

int fail(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (failed++)		/* the first error is the one that counts */
		fprintf(stderr, "dmux-stat: %s\n", msg);
	else if (g_opts.json) {	/* bpftool's shape: {"error": "..."} on stdout */
		struct jw w;

		fflush(stdout);
		jw_init(&w, stdout, g_opts.pretty);
		jw_obj(&w, NULL);
		jw_str(&w, "error", msg);
		jw_end_obj(&w);
		jw_done(&w);
		fflush(stdout);
	} else {
		fprintf(stderr, "dmux-stat: %s\n", msg);
	}
	return code;
}

void warn(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "dmux-stat: warning: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int errno_code(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case EPERM:
	case EACCES:
		return EX_PRIV;
	case ENODEV:
		return EX_NOIF;
	case ENOSYS:
	case EOPNOTSUPP:
	case 524:	/* the kernel's ENOTSUPP */
		return EX_NOXDP;
	case EUCLEAN:
		return EX_STALE;
	default:
		return EX_FAIL;
	}
}

#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int has_cap(const struct __user_cap_data_struct *d, int cap)
{
	return !!(d[cap / 32].effective & (1U << (cap % 32)));
}

/* BPF needs CAP_BPF (or CAP_SYS_ADMIN); XDP attach needs CAP_NET_ADMIN. */
int check_caps(int net_admin)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d))
		return EX_OK;	/* cannot tell: let the kernel decide */
	if (!has_cap(d, CAP_BPF) && !has_cap(d, CAP_SYS_ADMIN))
		return fail(EX_PRIV, "needs CAP_BPF and CAP_NET_ADMIN (run as root)");
	if (net_admin && !has_cap(d, CAP_NET_ADMIN))
		return fail(EX_PRIV, "needs CAP_NET_ADMIN to attach or detach XDP programs");
	return EX_OK;
}

static int is_bpffs(const char *path)
{
	struct statfs s;

	return !statfs(path, &s) && s.f_type == BPF_FS_MAGIC;
}

/* As bpftool and ip do: mount one when /sys/fs/bpf is not a BPF filesystem. */
int check_bpffs(void)
{
	if (is_bpffs("/sys/fs/bpf"))
		return EX_OK;
	if (mkdir("/sys/fs/bpf", 0700) && errno != EEXIST)
		return fail(EX_NOBPFFS, "no BPF filesystem at /sys/fs/bpf and cannot create "
			    "the mount point: %s", strerror(errno));
	if (mount("bpf", "/sys/fs/bpf", "bpf", 0, "mode=0700"))
		return fail(EX_NOBPFFS, "no BPF filesystem at /sys/fs/bpf and mounting one "
			    "failed: %s (mount -t bpf bpf /sys/fs/bpf)", strerror(errno));
	if (g_opts.debug)
		fprintf(stderr, "dmux-stat: mounted a BPF filesystem at /sys/fs/bpf\n");
	return EX_OK;
}

const char *pin_dir(void)
{
	return g_opts.pin_dir ? g_opts.pin_dir : DMUX_PIN_DIR;
}

int mkdir_p(const char *dir)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(buf, 0700);
			*p = '/';
		}
	return mkdir(buf, 0700) && errno != EEXIST ? -errno : 0;
}

int edit_lock(void)
{
	int fd, err = mkdir_p(pin_dir());

	if (err)
		return -fail(errno_code(err), "mkdir %s: %s", pin_dir(), strerror(-err));
	fd = open(pin_dir(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -fail(errno_code(errno), "open %s: %s", pin_dir(), strerror(errno));
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		err = errno;
		close(fd);
		return -fail(EX_FAIL, "lock %s: %s", pin_dir(), strerror(err));
	}
	return fd;
}

void edit_unlock(int fd)
{
	if (fd >= 0)
		close(fd);	/* releases the flock */
}

int maps_error(int err, const char *dir)
{
	if (err == -EPERM || err == -EACCES)
		return fail(EX_PRIV, "cannot open pinned maps in %s: %s (needs CAP_BPF and "
			    "CAP_NET_ADMIN)", dir, strerror(-err));
	return fail(errno_code(err), "pinned maps in %s: %s", dir, strerror(-err));
}

int open_maps(struct dmux_fds *f, int need)
{
	char msg[256] = "";
	const char *dir = pin_dir();
	int err, rc = check_caps(0);

	if (rc || (rc = check_bpffs()))
		return rc;
	err = dmux_fds_from_pins(f, dir, msg, sizeof(msg));
	if (err == -ENOENT && !g_opts.pin_dir) {	/* libbpf's default dir */
		dir = "/sys/fs/bpf";
		err = dmux_fds_from_pins(f, dir, msg, sizeof(msg));
		if (err == -ENOENT)
			dir = pin_dir();
	}
	if (!err)
		return EX_OK;
	if (err == -EUCLEAN)
		return fail(EX_STALE, "%s; these pins belong to another version of dmux.bpf: "
			    "'dmux-stat unpin' removes them (detach its programs first)", msg);
	if (err != -ENOENT)
		return maps_error(err, dir);
	if (need)
		return fail(EX_NOMAPS, "dmux maps not pinned in %s: run 'dmux-stat attach "
			    "IFACE' or 'ip link set IFACE xdp obj dmux.bpf.o sec xdp'", dir);
	return EX_NOMAPS;
}

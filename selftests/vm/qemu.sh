# SPDX-License-Identifier: GPL-2.0-only
# Sourced by run and mkdtb: the QEMU machine of the VM lane (one definition for both, since
# the devicetree is dumped from this very machine).
QEMU=${QEMU:-qemu-system-aarch64}
# -cpu max with the cheap implementation-defined pointer-auth algorithm: same features,
# much faster under TCG than the architected QARMA one.
QEMU_MACHINE=(-M virt -cpu max,pauth-impdef=on -smp 2 -m 2048 -nic none)

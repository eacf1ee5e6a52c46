#!/bin/sh
# Boots the host's own systemd as PID 1 of a throwaway "guest": new PID, mount, network, UTS, IPC and cgroup
# namespaces (made by the caller: unshare --pid --fork --mount --net --uts --ipc --cgroup), whose root is an
# overlay over the host's / with a tmpfs on top, so nothing the guest writes (dpkg, journal, units) reaches the host.
#
#   boot.sh DIR          DIR: an empty directory for the tmpfs (upper layer, work dir, the merged root)
#
# Kept from the host on purpose: the installed packages (Java, iptables, ipset), which is what makes this fast.
# Kept away from the host: /sys and /proc/sys are read-only (udev, sysctl and binfmt units skip themselves), the
# guest has its own cgroup2 tree, and only a minimal target is started (no multi-user.target, no timers).
set -eu
dir=$1
mount --make-rprivate /
mount -t tmpfs -o mode=0755 btbguest "$dir"
mkdir -p "$dir/upper" "$dir/work" "$dir/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work" "$dir/root"
r=$dir/root

mount -t proc proc "$r/proc"
mount --bind "$r/proc/sys" "$r/proc/sys"
mount -o remount,bind,ro "$r/proc/sys"
mount --bind /proc/sys/net "$r/proc/sys/net" 2>/dev/null || true
mount -t sysfs -o ro sysfs "$r/sys"
mount -t cgroup2 cgroup2 "$r/sys/fs/cgroup"
mount --rbind /dev "$r/dev"
mount -t tmpfs -o mode=0755 tmpfs "$r/run"
mount -t tmpfs -o mode=1777 tmpfs "$r/tmp"

# the guest's own units: a target that starts the basics only, and units that must not touch the host's kernel
units=$r/etc/systemd/system
cat > "$units/btbguest.target" <<'UNIT'
[Unit]
Description=btblocker test guest
Requires=sysinit.target
After=sysinit.target
AllowIsolate=yes
UNIT
for u in systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
    systemd-udev-trigger.service systemd-udev-settle.service systemd-sysctl.service systemd-binfmt.service \
    proc-sys-fs-binfmt_misc.automount systemd-modules-load.service systemd-timesyncd.service \
    systemd-networkd.service systemd-resolved.service; do
    ln -sf /dev/null "$units/$u"
done
# what a btblocker run on the host left (its state directory, a drop-in) is not the guest's: a real directory at
# /var/lib/btblocker would also make DynamicUser's move into /var/lib/private fail (rename of a lower directory on
# an overlay: EXDEV), so the unit could never start
rm -rf "$r/var/lib/btblocker" "$r/var/lib/private/btblocker" "$r/etc/systemd/system/btblocker.service.d"
echo btbguest > "$r/etc/hostname"
: > "$r/etc/machine-id"

cd "$r"
# PID 1 logs to the journal (console until journald runs), so `journalctl -u` shows systemd's own lines about a
# unit, e.g. "Watchdog timeout", as on a real host
mkdir -p oldroot
pivot_root . oldroot
umount -l /oldroot
rmdir /oldroot 2>/dev/null || true
cd /
exec env -i container=other PATH=/usr/sbin:/usr/bin:/sbin:/bin /lib/systemd/systemd --unit=btbguest.target \
    --log-target=journal --show-status=no

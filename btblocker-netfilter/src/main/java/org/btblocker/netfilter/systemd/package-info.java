/**
 * The service manager's side channel: {@link org.btblocker.netfilter.systemd.SystemdNotifier} sends
 * {@code sd_notify(3)} messages (READY, STATUS, RELOADING, STOPPING, WATCHDOG) to {@code $NOTIFY_SOCKET}.
 */
package org.btblocker.netfilter.systemd;

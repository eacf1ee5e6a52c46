"""Shared libtorrent settings for the lab's seeder and leecher (Debian python3-libtorrent 2.0.x).

Every profile switches off whatever would reach outside the lab (LSD, UPnP, NAT-PMP, public DHT routers) and relaxes
the DHT rules that ignore private addresses, because the lab lives in 10.77.0.0/16 and fd77::/16.
"""
import argparse
import signal

import libtorrent as lt

PROFILES = ("plain", "enc", "utp", "utp_enc", "dht", "tolerant")


def settings(profile, listen, dht_bootstrap=None, upload_kib_s=0):
    if profile not in PROFILES:
        raise SystemExit("unknown profile %r, expected one of %s" % (profile, ", ".join(PROFILES)))
    s = {
        "listen_interfaces": listen,
        "enable_dht": profile == "dht",
        "dht_bootstrap_nodes": dht_bootstrap or "",
        "dht_ignore_dark_internet": False,
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_prefer_verified_node_ids": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "enable_ip_notifier": False,
        "allow_multiple_connections_per_ip": True,
        "announce_to_all_trackers": True,
        "announce_to_all_tiers": True,
        "ssrf_mitigation": False,
        "alert_mask": int(lt.alert.category_t.error_notification | lt.alert.category_t.status_notification
                          | lt.alert.category_t.dht_notification
                          | lt.alert.category_t.tracker_notification
                          | (lt.alert.category_t.dht_operation_notification if profile == "dht" else 0)),
        "user_agent": "btlab/1.0 libtorrent/" + lt.__version__,
        # a slow seeder keeps one connection busy for seconds (the scenarios that start the gateway mid-download)
        "upload_rate_limit": int(upload_kib_s * 1024),
    }
    if profile in ("utp", "utp_enc"):
        s.update(enable_outgoing_tcp=False, enable_incoming_tcp=False,
                 enable_outgoing_utp=True, enable_incoming_utp=True)
    else:
        # libtorrent tries uTP first when both are on; the TCP scenarios must be TCP.
        s.update(enable_outgoing_utp=False, enable_incoming_utp=profile == "tolerant")
    if profile in ("enc", "utp_enc"):
        s.update(out_enc_policy=int(lt.enc_policy.pe_forced), in_enc_policy=int(lt.enc_policy.pe_forced),
                 allowed_enc_level=int(lt.enc_level.pe_rc4), prefer_rc4=True)
    elif profile == "tolerant":
        # seeds for other clients (Transmission, aria2): accept encrypted and plain peers
        s.update(out_enc_policy=int(lt.enc_policy.pe_enabled), in_enc_policy=int(lt.enc_policy.pe_enabled),
                 allowed_enc_level=int(lt.enc_level.pe_both))
    else:
        s.update(out_enc_policy=int(lt.enc_policy.pe_disabled), in_enc_policy=int(lt.enc_policy.pe_disabled))
    return s


def limit_local_peers(ses, upload_kib_s):
    """libtorrent exempts peers on local networks (the whole lab) from rate limits: limit their class too."""
    if upload_kib_s:
        pc = ses.get_peer_class(ses.local_peer_class_id)
        pc["upload_limit"] = int(upload_kib_s * 1024)
        ses.set_peer_class(ses.local_peer_class_id, pc)


def add_params(source, save_dir):
    """source: a .torrent path or a magnet URI."""
    if source.startswith("magnet:"):
        p = lt.parse_magnet_uri(source)
    else:
        p = lt.add_torrent_params()
        p.ti = lt.torrent_info(source)
    p.save_path = save_dir
    return p


def add_dht_nodes(ses, spec):
    """spec: comma separated host:port (IPv6 host in brackets)."""
    for item in filter(None, (spec or "").split(",")):
        host, _, port = item.rpartition(":")
        ses.add_dht_node((host.strip("[]"), int(port)))


def driver_args(first):
    """The command line seed.py and leech.py share: FIRST SAVE_DIR PROFILE TIMEOUT --listen IP:PORT [--dht NODES]
    [--upload-kib-s N] (0: no limit)."""
    ap = argparse.ArgumentParser()
    ap.add_argument(first)
    ap.add_argument("save_dir")
    ap.add_argument("profile")
    ap.add_argument("timeout", type=float)
    ap.add_argument("--listen", required=True)
    ap.add_argument("--dht", default="")
    ap.add_argument("--upload-kib-s", type=float, default=0)
    return ap.parse_args()


def stop_on_sigterm():
    """A list that becomes non-empty when SIGTERM arrives: the drivers' loops end and they report."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    return stop

/*
 * nfq-consumer: the C reference NFQUEUE consumer the benchmarks compare btblocker with.
 *
 *   nfq-consumer [-q QUEUE] [-m batch|packet] [-b BATCH] [-l MAXLEN] [-r RCVBUF] [-k MARK] [-x]
 *
 * It binds one queue (libmnl + libnetfilter_queue, copy mode packet, FAIL_OPEN and GSO like btblocker), reads each
 * packet's id and its IPv4/IPv6 5-tuple (the least any inspection has to look at), and accepts it with the verdict
 * mark MARK (default 0x1, btblocker's "clean" bit). The benchmark rules save that mark to the connection
 * (CONNMARK --save-mark) and skip the queue for marked connections: the same connmark offload btblocker relies on,
 * with every flow decided at its first packet (an upper bound for any consumer that inspects more).
 *
 *   -m packet  one recv() and one NFQNL_MSG_VERDICT per packet (what most NFQUEUE programs do)
 *   -m batch   one recvmmsg() of up to BATCH (default 64) queued packets, one NFQNL_MSG_VERDICT_BATCH for all
 *   -x         no FAIL_OPEN: a full queue drops packets (so every delivered packet got a verdict)
 *
 * On SIGTERM or SIGINT it prints "packets N" (verdicts given) to stdout and exits 0.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <libnetfilter_queue/libnetfilter_queue.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_BATCH 256
#define RX_BYTES (65536 + 8192) /* a full copy range plus the attributes around it */

static volatile sig_atomic_t stop;
static unsigned long long verdicts;
static uint64_t tuple_hash; /* printed, so the 5-tuple reads cannot be optimised away */

static void on_signal(int sig) { (void)sig; stop = 1; }

static void die(const char *what) {
    fprintf(stderr, "nfq-consumer: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* Sends one config/verdict message; config messages ask for an ACK so a refused bind is reported. */
static void send_msg(struct mnl_socket *nl, struct nlmsghdr *nlh, int ack, const char *what) {
    char buf[MNL_SOCKET_BUFFER_SIZE];
    if (ack) nlh->nlmsg_flags |= NLM_F_ACK;
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) die(what);
    if (!ack) return;
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0) die(what);
        int rc = mnl_cb_run(buf, n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL);
        if (rc < 0) die(what);
        if (rc == MNL_CB_STOP || rc == MNL_CB_OK) return;
    }
}

static void configure(struct mnl_socket *nl, uint32_t queue, uint32_t maxlen, int fail_open) {
    char buf[MNL_SOCKET_BUFFER_SIZE];
    static uint32_t seq = 1;
    struct nlmsghdr *nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
    nlh->nlmsg_seq = seq++;
    nfq_nlmsg_cfg_put_cmd(nlh, AF_INET, NFQNL_CFG_CMD_BIND);
    send_msg(nl, nlh, 1, "bind queue (already bound by another process?)");

    nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
    nlh->nlmsg_seq = seq++;
    nfq_nlmsg_cfg_put_params(nlh, NFQNL_COPY_PACKET, 0xffff);
    send_msg(nl, nlh, 1, "set copy mode");

    nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
    nlh->nlmsg_seq = seq++;
    nfq_nlmsg_cfg_put_qmaxlen(nlh, maxlen);
    send_msg(nl, nlh, 1, "set queue max length");

    nlh = nfq_nlmsg_put(buf, NFQNL_MSG_CONFIG, queue);
    nlh->nlmsg_seq = seq++;
    uint32_t mask = NFQA_CFG_F_FAIL_OPEN | NFQA_CFG_F_GSO;
    mnl_attr_put_u32(nlh, NFQA_CFG_FLAGS, htonl(fail_open ? mask : NFQA_CFG_F_GSO));
    mnl_attr_put_u32(nlh, NFQA_CFG_MASK, htonl(mask));
    send_msg(nl, nlh, 1, "set queue flags");
}

/* Reads the packet's transport 5-tuple; returns its id, or 0 for a message that is not a queued packet. */
static uint32_t inspect(const struct nlmsghdr *nlh) {
    struct nlattr *attr[NFQA_MAX + 1] = {0};
    if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_QUEUE
        || NFNL_MSG_TYPE(nlh->nlmsg_type) != NFQNL_MSG_PACKET) return 0;
    if (nfq_nlmsg_parse(nlh, attr) < 0 || attr[NFQA_PACKET_HDR] == NULL) return 0;
    const struct nfqnl_msg_packet_hdr *ph = mnl_attr_get_payload(attr[NFQA_PACKET_HDR]);
    if (attr[NFQA_PAYLOAD] != NULL) {
        const uint8_t *p = mnl_attr_get_payload(attr[NFQA_PAYLOAD]);
        uint16_t len = mnl_attr_get_payload_len(attr[NFQA_PAYLOAD]);
        if (len >= 20 && (p[0] >> 4) == 4) {
            unsigned ihl = (p[0] & 15u) * 4u;
            uint64_t h = ((uint64_t)p[9] << 56) ^ ((uint64_t)p[12] << 24 | p[13] << 16 | p[14] << 8 | p[15]);
            h ^= (uint64_t)(p[16] << 24 | p[17] << 16 | p[18] << 8 | p[19]) << 20;
            if (len >= ihl + 4) h ^= (uint64_t)(p[ihl] << 24 | p[ihl + 1] << 16 | p[ihl + 2] << 8 | p[ihl + 3]);
            tuple_hash += h;
        } else if (len >= 44 && (p[0] >> 4) == 6) {
            tuple_hash += p[6] ^ p[23] ^ p[39] ^ ((uint64_t)p[40] << 8 | p[41]);
        }
    }
    return ntohl(ph->packet_id);
}

static void verdict(struct mnl_socket *nl, uint32_t queue, int type, uint32_t id, uint32_t mark) {
    char buf[256];
    struct nlmsghdr *nlh = nfq_nlmsg_put(buf, type, queue);
    nfq_nlmsg_verdict_put(nlh, (int)id, NF_ACCEPT);
    if (mark != 0) nfq_nlmsg_verdict_put_mark(nlh, mark);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 && errno != EINTR) die("send verdict");
}

static void usage(void) {
    fputs("usage: nfq-consumer [-q QUEUE] [-m batch|packet] [-b BATCH] [-l MAXLEN] [-r RCVBUF] [-k MARK] [-x]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv) {
    uint32_t queue = 0, maxlen = 65536, mark = 0x1;
    int batch_mode = 1, batch = 64, fail_open = 1;
    long rcvbuf = 256L << 20;
    int c;
    while ((c = getopt(argc, argv, "q:m:b:l:r:k:xh")) != -1) {
        switch (c) {
        case 'q': queue = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'm':
            if (strcmp(optarg, "batch") == 0) batch_mode = 1;
            else if (strcmp(optarg, "packet") == 0) batch_mode = 0;
            else usage();
            break;
        case 'b': batch = atoi(optarg); break;
        case 'l': maxlen = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'r': rcvbuf = strtol(optarg, NULL, 0); break;
        case 'k': mark = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'x': fail_open = 0; break;
        default: usage();
        }
    }
    if (batch < 1 || batch > MAX_BATCH) usage();

    struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: a blocked recv returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct mnl_socket *nl = mnl_socket_open(NETLINK_NETFILTER);
    if (nl == NULL) die("open netlink socket");
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) die("bind netlink socket");
    int fd = mnl_socket_get_fd(nl);
    int bytes = rcvbuf > 0x7fffffff ? 0x7fffffff : (int)rcvbuf;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) < 0) die("SO_RCVBUFFORCE");
    int on = 1; /* an overrun is not an error for us: fail-open accepts what we never saw */
    setsockopt(fd, SOL_NETLINK, NETLINK_NO_ENOBUFS, &on, sizeof on);
    configure(nl, queue, maxlen, fail_open);
    fprintf(stderr, "nfq-consumer: queue %u bound (%s mode, batch %d, maxlen %u, mark 0x%x)\n", queue,
            batch_mode ? "batch" : "packet", batch_mode ? batch : 1, maxlen, mark);

    static char rx[MAX_BATCH][RX_BYTES];
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    int want = batch_mode ? batch : 1;
    for (int i = 0; i < want; i++) {
        iov[i] = (struct iovec){.iov_base = rx[i], .iov_len = RX_BYTES};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_iov = &iov[i], .msg_iovlen = 1}};
    }
    while (!stop) {
        int n;
        if (batch_mode) {
            n = recvmmsg(fd, msgs, (unsigned)want, MSG_WAITFORONE, NULL);
        } else {
            ssize_t r = recv(fd, rx[0], RX_BYTES, 0);
            n = r < 0 ? -1 : 1;
            msgs[0].msg_len = r < 0 ? 0 : (unsigned)r;
        }
        if (n < 0) {
            if (errno == EINTR || errno == ENOBUFS) continue;
            die("receive");
        }
        uint32_t last = 0;
        for (int i = 0; i < n; i++) {
            int len = (int)msgs[i].msg_len;
            for (const struct nlmsghdr *nlh = (const struct nlmsghdr *)rx[i]; mnl_nlmsg_ok(nlh, len);
                 nlh = mnl_nlmsg_next(nlh, &len)) {
                uint32_t id = inspect(nlh);
                if (id == 0) continue;
                verdicts++;
                if (batch_mode) last = id;
                else verdict(nl, queue, NFQNL_MSG_VERDICT, id, mark);
            }
        }
        /* one verdict for every queued packet up to the newest one read: the ids arrive in order */
        if (last != 0) verdict(nl, queue, NFQNL_MSG_VERDICT_BATCH, last, mark);
    }
    printf("packets %llu\n", verdicts);
    fprintf(stderr, "nfq-consumer: queue %u: %llu verdicts (tuple hash %llx)\n", queue, verdicts,
            (unsigned long long)tuple_hash);
    mnl_socket_close(nl);
    return 0;
}

/*
 * udpgen: a sendmmsg() UDP/IPv4 generator for the benchmarks (a raw socket, so every datagram can carry its own
 * 5-tuple).
 *
 *   udpgen -d DST [-s SRC] [-a SRC_COUNT] [-p DPORT] [-f fixed|new|random] [-n COUNT] [-t SECONDS] [-r PPS]
 *          [-l PAYLOAD] [-o OFFSET] [-b BATCH]
 *
 *   -f fixed   every datagram SRC:40000 -> DST:DPORT (one flow)
 *   -f new     every datagram a new flow: datagram k (counting from OFFSET) comes from source address
 *              SRC + k % SRC_COUNT, source port 1024 + (k / SRC_COUNT) % 64512, destination port DPORT (1024..65535,
 *              default 9999), moving on by one every 64512 * SRC_COUNT datagrams;
 *              no 5-tuple repeats within 64512^2 * SRC_COUNT datagrams, and runs with different OFFSETs differ
 *   -f random  source address SRC + random % SRC_COUNT, random source and destination ports (xorshift, seed OFFSET)
 *   -n COUNT   stop after COUNT datagrams; -t SECONDS stop after that long (either or both; default 1 s)
 *   -r PPS     offered rate (paced per batch); default: as fast as the socket takes them
 *   -l PAYLOAD payload bytes (default 64); -b BATCH datagrams per sendmmsg() call (default 64)
 *
 * The sender's source addresses must be routable back to it only if replies matter (they don't here). Prints
 * "sent N datagrams in S s: P packets/s" to stdout.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 1024
#define MAX_PAYLOAD 1472

enum mode { FIXED, NEW_FLOW, RANDOM };

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t xorshift(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static void usage(void) {
    fputs("usage: udpgen -d DST [-s SRC] [-a SRC_COUNT] [-p DPORT] [-f fixed|new|random] [-n COUNT] [-t SECONDS]\n"
          "              [-r PPS] [-l PAYLOAD] [-o OFFSET] [-b BATCH]\n", stderr);
    exit(2);
}

int main(int argc, char **argv) {
    struct in_addr src = {0}, dst = {0};
    uint32_t src_count = 1;
    unsigned dport = 9999;
    enum mode mode = FIXED;
    unsigned long long count = 0, offset = 0;
    double seconds = 0, rate = 0;
    int payload = 64, batch = 64, c;
    inet_pton(AF_INET, "10.93.1.2", &src);
    while ((c = getopt(argc, argv, "d:s:a:p:f:n:t:r:l:o:b:h")) != -1) {
        switch (c) {
        case 'd': if (inet_pton(AF_INET, optarg, &dst) != 1) usage(); break;
        case 's': if (inet_pton(AF_INET, optarg, &src) != 1) usage(); break;
        case 'a': src_count = (uint32_t)strtoul(optarg, NULL, 0); break;
        case 'p': dport = (unsigned)strtoul(optarg, NULL, 0); break;
        case 'f':
            if (strcmp(optarg, "fixed") == 0) mode = FIXED;
            else if (strcmp(optarg, "new") == 0) mode = NEW_FLOW;
            else if (strcmp(optarg, "random") == 0) mode = RANDOM;
            else usage();
            break;
        case 'n': count = strtoull(optarg, NULL, 0); break;
        case 't': seconds = atof(optarg); break;
        case 'r': rate = atof(optarg); break;
        case 'l': payload = atoi(optarg); break;
        case 'o': offset = strtoull(optarg, NULL, 0); break;
        case 'b': batch = atoi(optarg); break;
        default: usage();
        }
    }
    if (dst.s_addr == 0 || src_count < 1 || dport < 1024 || dport > 65535 || payload < 0 || payload > MAX_PAYLOAD
        || batch < 1 || batch > MAX_BATCH)
        usage();
    if (count == 0 && seconds == 0) seconds = 1;

    int fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW); /* IPPROTO_RAW implies IP_HDRINCL */
    if (fd < 0) { perror("udpgen: raw socket (needs root)"); return 1; }
    int sndbuf = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof sndbuf);

    static uint8_t pkt[MAX_BATCH][sizeof(struct iphdr) + sizeof(struct udphdr) + MAX_PAYLOAD];
    struct mmsghdr msgs[MAX_BATCH];
    struct iovec iov[MAX_BATCH];
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_addr = dst};
    size_t len = sizeof(struct iphdr) + sizeof(struct udphdr) + (size_t)payload;
    for (int i = 0; i < batch; i++) {
        struct iphdr *ip = (struct iphdr *)pkt[i];
        *ip = (struct iphdr){.version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP, .daddr = dst.s_addr,
                             .tot_len = htons((uint16_t)len)}; /* the kernel fills in id and checksum */
        struct udphdr *udp = (struct udphdr *)(ip + 1);
        udp->len = htons((uint16_t)(len - sizeof *ip)); /* checksum 0: none, valid for UDP over IPv4 */
        for (int b = 0; b < payload; b++) pkt[i][sizeof *ip + sizeof *udp + b] = (uint8_t)('a' + (b % 26));
        iov[i] = (struct iovec){.iov_base = pkt[i], .iov_len = len};
        msgs[i] = (struct mmsghdr){.msg_hdr = {.msg_name = &to, .msg_namelen = sizeof to, .msg_iov = &iov[i],
                                               .msg_iovlen = 1}};
    }

    uint32_t src0 = ntohl(src.s_addr);
    uint64_t seed = offset * 0x9e3779b97f4a7c15ULL + 0x2545f4914f6cdd1dULL;
    unsigned long long k = offset, sent = 0, failed = 0;
    double start = now(), end = seconds > 0 ? start + seconds : 0;
    while ((count == 0 || sent < count) && (end == 0 || now() < end)) {
        int n = batch;
        if (count != 0 && count - sent < (unsigned long long)n) n = (int)(count - sent);
        for (int i = 0; i < n; i++, k++) {
            struct iphdr *ip = (struct iphdr *)pkt[i];
            struct udphdr *udp = (struct udphdr *)(ip + 1);
            uint32_t s;
            unsigned sp, dp;
            if (mode == FIXED) {
                s = src0;
                sp = 40000;
                dp = dport;
            } else if (mode == NEW_FLOW) {
                unsigned long long q = k / src_count;
                s = src0 + (uint32_t)(k % src_count);
                sp = 1024 + (unsigned)(q % 64512);
                dp = 1024 + (unsigned)((dport - 1024 + q / 64512) % 64512);
            } else {
                uint64_t r = xorshift(&seed);
                s = src0 + (uint32_t)((r >> 32) % src_count);
                sp = 1024 + (unsigned)((r >> 16) & 0xffff) % 64512;
                dp = 1024 + (unsigned)(r & 0xffff) % 64512;
            }
            ip->saddr = htonl(s);
            udp->source = htons((uint16_t)sp);
            udp->dest = htons((uint16_t)dp);
        }
        int done = sendmmsg(fd, msgs, (unsigned)n, 0);
        if (done < 0) {
            if (errno != ENOBUFS && errno != EAGAIN && errno != EPERM) { perror("udpgen: sendmmsg"); return 1; }
            failed += (unsigned long long)n; /* EPERM: a firewall dropped it locally */
            done = n;
        } else if (done < n) {
            failed += (unsigned long long)(n - done);
        }
        sent += (unsigned long long)n;
        if (rate > 0) {
            double due = start + (double)sent / rate, wait = due - now();
            if (wait > 0) {
                struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&ts, NULL);
            }
        }
    }
    double elapsed = now() - start;
    printf("sent %llu datagrams in %.3f s: %.0f packets/s (%llu refused by the socket)\n", sent - failed, elapsed,
           (double)(sent - failed) / elapsed, failed);
    return 0;
}

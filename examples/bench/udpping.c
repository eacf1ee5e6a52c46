/*
 * udpping: round-trip times of the first packets of new UDP flows, for the added-latency benchmark.
 *
 *   udpping -e [-P PORT]                                   echo server (until killed)
 *   udpping -d DST [-P PORT] [-f FLOWS] [-k PACKETS] [-S SRC_PORT_BASE]
 *
 * The client opens FLOWS flows one after the other (default 500), each from its own source port SRC_PORT_BASE + i
 * (default 20000), and sends PACKETS (default 4) 32-byte datagrams on each, one at a time, waiting for the echo (1 s
 * at most; a lost one counts as 1 s). It prints the round-trip percentiles of each flow's first packet and of its
 * later packets:
 *   "first p50 A us p99 B us; later p50 C us p99 D us; lost L"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p) {
    if (n == 0) return 0;
    qsort(v, (size_t)n, sizeof *v, cmp);
    int i = (int)(p * (n - 1) + 0.5);
    return v[i];
}

static void usage(void) {
    fputs("usage: udpping -e [-P PORT] | udpping -d DST [-P PORT] [-f FLOWS] [-k PACKETS] [-S SRC_PORT_BASE]\n",
          stderr);
    exit(2);
}

static int echo_server(unsigned port) {
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("udpping: bind"); return 1; }
    char buf[2048];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        ssize_t n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
        if (n >= 0) sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
    }
}

int main(int argc, char **argv) {
    int echo = 0, flows = 500, packets = 4, c;
    unsigned port = 7, base = 20000;
    struct in_addr dst = {0};
    while ((c = getopt(argc, argv, "ed:P:f:k:S:h")) != -1) {
        switch (c) {
        case 'e': echo = 1; break;
        case 'd': if (inet_pton(AF_INET, optarg, &dst) != 1) usage(); break;
        case 'P': port = (unsigned)atoi(optarg); break;
        case 'f': flows = atoi(optarg); break;
        case 'k': packets = atoi(optarg); break;
        case 'S': base = (unsigned)atoi(optarg); break;
        default: usage();
        }
    }
    if (echo) return echo_server(port);
    if (dst.s_addr == 0 || flows < 1 || packets < 1 || base + (unsigned)flows > 65535) usage();

    double *first = calloc((size_t)flows, sizeof *first);
    double *later = calloc((size_t)flows * (size_t)packets, sizeof *later);
    int nlater = 0, lost = 0;
    const char probe[32] = "btblocker bench latency probe..";
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr = dst};
    for (int f = 0; f < flows; f++) {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        int on = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        struct sockaddr_in me = {.sin_family = AF_INET, .sin_port = htons((uint16_t)(base + (unsigned)f))};
        if (fd < 0 || bind(fd, (struct sockaddr *)&me, sizeof me) < 0
            || connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("udpping: socket"); return 1; }
        for (int k = 0; k < packets; k++) {
            char buf[64];
            double t0 = now_us(), rtt = 1e6;
            if (send(fd, probe, sizeof probe, 0) == (ssize_t)sizeof probe) {
                struct pollfd p = {.fd = fd, .events = POLLIN};
                if (poll(&p, 1, 1000) == 1 && recv(fd, buf, sizeof buf, 0) > 0) rtt = now_us() - t0;
            }
            if (rtt >= 1e6) lost++;
            if (k == 0) first[f] = rtt;
            else later[nlater++] = rtt;
        }
        close(fd);
    }
    double f50 = pct(first, flows, 0.50), f99 = pct(first, flows, 0.99);
    double l50 = pct(later, nlater, 0.50), l99 = pct(later, nlater, 0.99);
    printf("first p50 %.1f us p99 %.1f us; later p50 %.1f us p99 %.1f us; lost %d\n", f50, f99, l50, l99, lost);
    return 0;
}

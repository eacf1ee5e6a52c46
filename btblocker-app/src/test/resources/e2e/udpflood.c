/*
 * A UDP flood for btblocker's end-to-end tests: every datagram to another destination port, so every datagram is a
 * new flow the gateway must queue and inspect (the worst case for a fail-open NFQUEUE). sendmmsg batches keep one
 * core busy enough to fill the queue. Only ever aimed at a test namespace's own address; stops by itself.
 *   udpflood DST_IPV4 SECONDS PAYLOAD_BYTES  ->  prints "FLOODED <datagrams> <seconds>"
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define BATCH 64

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: udpflood DST_IPV4 SECONDS PAYLOAD_BYTES\n");
        return 2;
    }
    double seconds = atof(argv[2]);
    int size = atoi(argv[3]);
    if (seconds <= 0 || seconds > 60 || size < 1 || size > 1400) {
        fprintf(stderr, "udpflood: SECONDS must be in (0, 60], PAYLOAD_BYTES in [1, 1400]\n");
        return 2;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    static char payload[1400];
    for (int i = 0; i < size; i++) {
        payload[i] = (char) (i * 131 + 7);
    }
    struct sockaddr_in to[BATCH];
    struct iovec iov[BATCH];
    struct mmsghdr msgs[BATCH];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BATCH; i++) {
        memset(&to[i], 0, sizeof to[i]);
        to[i].sin_family = AF_INET;
        if (inet_pton(AF_INET, argv[1], &to[i].sin_addr) != 1) {
            fprintf(stderr, "udpflood: not an IPv4 address: %s\n", argv[1]);
            return 2;
        }
        iov[i].iov_base = payload;
        iov[i].iov_len = (size_t) size;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
        msgs[i].msg_hdr.msg_name = &to[i];
        msgs[i].msg_hdr.msg_namelen = sizeof to[i];
    }
    unsigned port = 1024;
    long long sent = 0;
    double start = now(), end = start + seconds;
    while (now() < end) {
        for (int i = 0; i < BATCH; i++) {
            to[i].sin_port = htons((unsigned short) port);
            port = port == 65535 ? 1024 : port + 1;
        }
        int n = sendmmsg(fd, msgs, BATCH, 0);
        if (n > 0) {
            sent += n;
        }
    }
    printf("FLOODED %lld %.1f\n", sent, now() - start);
    return 0;
}

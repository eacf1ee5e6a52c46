/*
 * qdrain: times how fast held consumers empty their full NFQUEUE queues.
 *
 *   qdrain -q QUEUE[,QUEUE...] -p PID[,PID...] [-s SETTLE_MS] [-t TIMEOUT_S]
 *
 * Run in the network namespace of the queues. It waits until the packets waiting in the queues (queue_total in
 * /proc/net/netfilter/nfnetlink_queue, summed over QUEUEs) have not changed for SETTLE_MS (default 300: the sender is
 * done or the queues are full), sends SIGCONT to every PID (the consumers, stopped with SIGSTOP before the queues were
 * filled), then polls every 50 us until the queues are empty. Prints
 *   "drained N packets in S s: P packets/s"
 * and exits 0; exits 1 if the queues were empty to begin with or did not drain within TIMEOUT_S (default 60).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#define MAX_ITEMS 16

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_list(char *arg, long *out) {
    int n = 0;
    for (char *tok = strtok(arg, ","); tok != NULL && n < MAX_ITEMS; tok = strtok(NULL, ",")) out[n++] = atol(tok);
    return n;
}

/* Sum of queue_total (third column) over the wanted queues; -1 if one of them is not bound. */
static long waiting(const long *queues, int nq) {
    FILE *f = fopen("/proc/net/netfilter/nfnetlink_queue", "r");
    if (f == NULL) { perror("qdrain: /proc/net/netfilter/nfnetlink_queue"); exit(1); }
    long sum = 0;
    int found = 0;
    long q, portid, total;
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%ld %ld %ld", &q, &portid, &total) != 3) continue;
        for (int i = 0; i < nq; i++) {
            if (queues[i] == q) { sum += total; found++; }
        }
    }
    fclose(f);
    return found == nq ? sum : -1;
}

static void usage(void) {
    fputs("usage: qdrain -q QUEUE[,QUEUE...] -p PID[,PID...] [-s SETTLE_MS] [-t TIMEOUT_S]\n", stderr);
    exit(2);
}

int main(int argc, char **argv) {
    long queues[MAX_ITEMS], pids[MAX_ITEMS];
    int nq = 0, np = 0, c;
    double settle = 0.3, timeout = 60;
    while ((c = getopt(argc, argv, "q:p:s:t:h")) != -1) {
        switch (c) {
        case 'q': nq = parse_list(optarg, queues); break;
        case 'p': np = parse_list(optarg, pids); break;
        case 's': settle = atof(optarg) / 1000; break;
        case 't': timeout = atof(optarg); break;
        default: usage();
        }
    }
    if (nq == 0 || np == 0) usage();

    struct timespec tick = {0, 50000};
    double deadline = now() + timeout, stable_since = now();
    long filled = waiting(queues, nq);
    while (now() < deadline) {
        nanosleep(&(struct timespec){0, 10000000}, NULL);
        long w = waiting(queues, nq);
        if (w != filled) { filled = w; stable_since = now(); }
        else if (now() - stable_since >= settle) break;
    }
    if (filled <= 0) {
        fprintf(stderr, "qdrain: nothing waiting in the queues (%s)\n", filled < 0 ? "a queue is not bound" : "empty");
        return 1;
    }
    double start = now();
    for (int i = 0; i < np; i++) {
        if (kill((pid_t)pids[i], SIGCONT) != 0) { perror("qdrain: SIGCONT"); return 1; }
    }
    long w = filled;
    deadline = start + timeout;
    while (w > 0 && now() < deadline) {
        nanosleep(&tick, NULL);
        w = waiting(queues, nq);
    }
    double elapsed = now() - start;
    if (w != 0) {
        fprintf(stderr, "qdrain: %ld of %ld packets still waiting after %.0f s\n", w, filled, timeout);
        return 1;
    }
    printf("drained %ld packets in %.6f s: %.0f packets/s\n", filled, elapsed, (double)filled / elapsed);
    return 0;
}

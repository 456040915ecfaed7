/* packet_pipe.c — a bounded queue of packet batches between a capture-reading thread and the analysis thread. */
#include "pcap/packet_pipe.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BATCH_PKTS 4096
#define N_BATCHES 4

struct batch {
    size_t n;
    struct capture_pkt pkts[BATCH_PKTS];
    uint8_t data[BATCH_PKTS][PACKET_PIPE_SNAP];
    int end; /* 0: more follow; 1: clean end after these; -1: read error after these */
};

struct packet_pipe {
    struct capture *cap;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t filled, emptied;
    struct batch *batches[N_BATCHES];
    size_t head, count; /* ring of filled batches: head is the oldest */
    bool stop;
    struct batch *cur;  /* consumer's batch */
    size_t cur_i;
};

static void *reader(void *arg)
{
    struct packet_pipe *pp = arg;
    size_t slot = 0;
    for (;;) {
        pthread_mutex_lock(&pp->lock);
        while (pp->count == N_BATCHES && !pp->stop)
            pthread_cond_wait(&pp->emptied, &pp->lock);
        bool stop = pp->stop;
        pthread_mutex_unlock(&pp->lock);
        if (stop)
            return NULL;
        /* Slots are used in ring order: slot is free once count < N_BATCHES. */
        struct batch *b = pp->batches[slot];
        b->n = 0;
        b->end = 0;
        while (b->n < BATCH_PKTS) {
            struct capture_pkt p;
            int rc = capture_next(pp->cap, &p);
            if (rc != 1) {
                b->end = rc == 0 ? 1 : -1;
                break;
            }
            size_t keep = p.caplen < PACKET_PIPE_SNAP ? p.caplen : PACKET_PIPE_SNAP;
            memcpy(b->data[b->n], p.data, keep);
            p.data = b->data[b->n];
            p.caplen = keep;
            b->pkts[b->n++] = p;
        }
        pthread_mutex_lock(&pp->lock);
        pp->count++;
        pthread_cond_signal(&pp->filled);
        pthread_mutex_unlock(&pp->lock);
        if (b->end)
            return NULL;
        slot = (slot + 1) % N_BATCHES;
    }
}

struct packet_pipe *packet_pipe_start(struct capture *c)
{
    struct packet_pipe *pp = calloc(1, sizeof *pp);
    if (!pp)
        return NULL;
    pp->cap = c;
    for (size_t i = 0; i < N_BATCHES; i++)
        if (!(pp->batches[i] = malloc(sizeof(struct batch)))) {
            for (size_t j = 0; j < i; j++)
                free(pp->batches[j]);
            free(pp);
            return NULL;
        }
    pthread_mutex_init(&pp->lock, NULL);
    pthread_cond_init(&pp->filled, NULL);
    pthread_cond_init(&pp->emptied, NULL);
    if (pthread_create(&pp->thread, NULL, reader, pp) != 0) {
        for (size_t i = 0; i < N_BATCHES; i++)
            free(pp->batches[i]);
        pthread_mutex_destroy(&pp->lock);
        pthread_cond_destroy(&pp->filled);
        pthread_cond_destroy(&pp->emptied);
        free(pp);
        return NULL;
    }
    return pp;
}

int packet_pipe_next(struct packet_pipe *pp, struct capture_pkt *p)
{
    for (;;) {
        if (pp->cur && pp->cur_i < pp->cur->n) {
            *p = pp->cur->pkts[pp->cur_i++];
            return 1;
        }
        if (pp->cur) {
            int end = pp->cur->end;
            if (end)
                return end > 0 ? 0 : -1; /* stays at the end on further calls */
            /* hand the finished batch back */
            pthread_mutex_lock(&pp->lock);
            pp->head = (pp->head + 1) % N_BATCHES;
            pp->count--;
            pthread_cond_signal(&pp->emptied);
            pthread_mutex_unlock(&pp->lock);
            pp->cur = NULL;
        }
        pthread_mutex_lock(&pp->lock);
        while (pp->count == 0)
            pthread_cond_wait(&pp->filled, &pp->lock);
        pp->cur = pp->batches[pp->head];
        pthread_mutex_unlock(&pp->lock);
        pp->cur_i = 0;
    }
}

void packet_pipe_stop(struct packet_pipe *pp)
{
    if (!pp)
        return;
    pthread_mutex_lock(&pp->lock);
    pp->stop = true;
    pthread_cond_broadcast(&pp->emptied);
    pthread_mutex_unlock(&pp->lock);
    pthread_join(pp->thread, NULL);
    for (size_t i = 0; i < N_BATCHES; i++)
        free(pp->batches[i]);
    pthread_mutex_destroy(&pp->lock);
    pthread_cond_destroy(&pp->filled);
    pthread_cond_destroy(&pp->emptied);
    free(pp);
}

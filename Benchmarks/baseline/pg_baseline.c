/*
 * pg_baseline: the hand-written libpq C code that lrledger's PostgreSQL logging figure is
 * measured against.
 *
 * It stores the same (run, step, rate) rows as `lrledger train --db postgres://...
 * --model none --log-every 1 --checkpoint-every 1000`, with the same commit size, on the
 * same server, the fastest plain way: each commit is one autocommitted INSERT of 1,000
 * rows sent as two arrays (`INSERT ... SELECT ... unnest($1::bigint[], $2::float8[])`),
 * one round trip, prepared once.
 *
 *   pg_baseline insert URL N    (re)create table pg_baseline_rate and insert steps 0..N-1 of run 1
 *
 * Prints one JSON line: {"command":..., "rows":..., "seconds":..., "rows_per_second":...,
 * "step_sum":..., "rate_sum":...}.
 *
 * Build: cc -O2 -ffp-contract=off -I$(pg_config --includedir) -o pg_baseline pg_baseline.c -lpq
 */
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ROWS_PER_COMMIT = 1000 };

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void check(PGconn *connection, PGresult *result, const char *what) {
    ExecStatusType status = PQresultStatus(result);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        fprintf(stderr, "pg_baseline: %s: %s", what, PQerrorMessage(connection));
        exit(1);
    }
    PQclear(result);
}

/* lrledger's default schedule, as in baseline.c: InverseTimeDecay(0.1, 1.0, 0.5) in float32. */
static double inverse_time_decay(int64_t step) {
    float p = (float)step / 1.0f;
    return (double)(0.1f / (1.0f + 0.5f * p));
}

static int insert(const char *url, int64_t count) {
    PGconn *connection = PQconnectdb(url);
    if (PQstatus(connection) != CONNECTION_OK) {
        fprintf(stderr, "pg_baseline: connect: %s", PQerrorMessage(connection));
        return 1;
    }
    check(connection, PQexec(connection, "SET client_min_messages = warning"), "set");
    check(connection, PQexec(connection, "DROP TABLE IF EXISTS pg_baseline_rate"), "drop");
    check(connection,
          PQexec(connection, "CREATE TABLE pg_baseline_rate(run bigint, step bigint, rate double precision, "
                             "PRIMARY KEY (run, step))"),
          "create");
    check(connection,
          PQprepare(connection, "insert",
                    "INSERT INTO pg_baseline_rate(run, step, rate) "
                    "SELECT 1, s, r FROM unnest($1::bigint[], $2::float8[]) AS t(s, r)",
                    2, NULL),
          "prepare");

    /* Text arrays: at most 20 bytes a step and 25 a rate, with separators. */
    char *steps = malloc(ROWS_PER_COMMIT * 22 + 3);
    char *rates = malloc(ROWS_PER_COMMIT * 27 + 3);
    if (!steps || !rates) {
        fprintf(stderr, "pg_baseline: out of memory\n");
        return 1;
    }
    double start = now_seconds();
    int64_t step_sum = 0;
    double rate_sum = 0;
    for (int64_t first = 0; first < count; first += ROWS_PER_COMMIT) {
        int64_t last = first + ROWS_PER_COMMIT < count ? first + ROWS_PER_COMMIT : count;
        char *s = steps, *r = rates;
        *s++ = '{';
        *r++ = '{';
        for (int64_t step = first; step < last; step++) {
            double rate = inverse_time_decay(step);
            step_sum += step;
            rate_sum += rate;
            s += sprintf(s, step == first ? "%lld" : ",%lld", (long long)step);
            r += sprintf(r, step == first ? "%.17g" : ",%.17g", rate);
        }
        strcpy(s, "}");
        strcpy(r, "}");
        const char *values[2] = {steps, rates};
        check(connection, PQexecPrepared(connection, "insert", 2, values, NULL, NULL, 0), "insert");
    }
    double seconds = now_seconds() - start;
    PQfinish(connection);
    free(steps);
    free(rates);
    printf("{\"command\":\"insert\",\"rows\":%lld,\"seconds\":%.6f,\"rows_per_second\":%.1f,"
           "\"step_sum\":%lld,\"rate_sum\":%.17g}\n",
           (long long)count, seconds, seconds > 0 ? (double)count / seconds : 0.0, (long long)step_sum, rate_sum);
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "insert") == 0) {
        char *end = NULL;
        long long count = strtoll(argv[3], &end, 10);
        if (*argv[3] && !*end && count > 0) return insert(argv[2], count);
    }
    fprintf(stderr, "usage: pg_baseline insert URL N\n");
    return 2;
}

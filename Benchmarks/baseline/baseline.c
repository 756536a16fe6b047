/*
 * baseline: the hand-written SQLite C code that lrledger's figures are measured against.
 *
 * It stores the same (run, step, rate) rows as `lrledger train --model none
 * --log-every 1`, in the equivalent table, the fastest plain way: one prepared INSERT,
 * a transaction every 1,000 rows, WAL, synchronous=NORMAL. It uses the system SQLite,
 * the same library lrledger's GRDB links against, so the difference between the two
 * is lrledger's own bookkeeping.
 *
 *   baseline insert DB N        create table `rate` in DB and insert steps 0..N-1 of run 1
 *   baseline scan DB            read every row of `rate`, in key order
 *   baseline scan-ledger DB RUN read every rate_log row of lrledger run RUN, in key order
 *   baseline rates N PASSES     evaluate the schedule for steps 0..N-1, PASSES times, no database
 *
 * Each prints one JSON line: {"command":..., "rows":..., "seconds":..., "rows_per_second":...}.
 * `seconds` covers the work after the database is opened; scripts/bench times the whole
 * process from outside as well and uses that for its figures.
 *
 * Build: cc -O2 -o baseline baseline.c -lsqlite3
 */
#include <sqlite3.h>
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

static void die(sqlite3 *db, const char *what) {
    fprintf(stderr, "baseline: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql) {
    char *message = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &message) != SQLITE_OK) {
        fprintf(stderr, "baseline: %s: %s\n", sql, message ? message : "?");
        exit(1);
    }
}

static sqlite3 *open_db(const char *path, int flags) {
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) die(db, "open");
    return db;
}

/*
 * lrledger's default schedule, Keras's InverseTimeDecay(0.1, decay_steps=1.0,
 * decay_rate=0.5) in float32, in Keras's order of operations, widened to double as
 * lrledger stores it. Built without -ffast-math and with -ffp-contract=off, so each
 * operation rounds to float32 like the Swift code.
 */
static double inverse_time_decay(int64_t step) {
    float p = (float)step / 1.0f;
    return (double)(0.1f / (1.0f + 0.5f * p));
}

/* The sums are printed so that no work can be skipped, and as a check that both sides saw the same rows. */
static void print_result(const char *command, int64_t rows, double seconds, int64_t step_sum, double rate_sum) {
    printf("{\"command\":\"%s\",\"rows\":%lld,\"seconds\":%.6f,\"rows_per_second\":%.1f,"
           "\"step_sum\":%lld,\"rate_sum\":%.17g}\n",
           command, (long long)rows, seconds, seconds > 0 ? (double)rows / seconds : 0.0, (long long)step_sum,
           rate_sum);
}

/* baseline insert DB N: the logging baseline. */
static int insert(const char *path, int64_t count) {
    sqlite3 *db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = NORMAL");
    exec(db,
         "CREATE TABLE rate(run INTEGER, step INTEGER, rate REAL, PRIMARY KEY(run, step)) WITHOUT ROWID");

    double start = now_seconds();
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO rate(run, step, rate) VALUES (?1, ?2, ?3)", -1, &statement, NULL)
        != SQLITE_OK)
        die(db, "prepare insert");
    int64_t step_sum = 0;
    double rate_sum = 0;
    exec(db, "BEGIN");
    for (int64_t step = 0; step < count; step++) {
        double rate = inverse_time_decay(step);
        step_sum += step;
        rate_sum += rate;
        sqlite3_bind_int64(statement, 1, 1);
        sqlite3_bind_int64(statement, 2, step);
        sqlite3_bind_double(statement, 3, rate);
        if (sqlite3_step(statement) != SQLITE_DONE) die(db, "insert");
        sqlite3_reset(statement);
        if ((step + 1) % ROWS_PER_COMMIT == 0) {
            exec(db, "COMMIT");
            exec(db, "BEGIN");
        }
    }
    exec(db, "COMMIT");
    sqlite3_finalize(statement);
    /* Closing checkpoints the WAL into the database file, as lrledger's exit does. */
    if (sqlite3_close(db) != SQLITE_OK) die(db, "close");
    print_result("insert", count, now_seconds() - start, step_sum, rate_sum);
    return 0;
}

/* Reads every row the query returns: column 0 a step, column 1 a rate. */
static int scan_query(const char *command, const char *path, const char *sql, const char *run) {
    sqlite3 *db = open_db(path, SQLITE_OPEN_READONLY);
    double start = now_seconds();
    sqlite3_stmt *statement = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK) die(db, "prepare scan");
    if (run) sqlite3_bind_text(statement, 1, run, -1, SQLITE_STATIC);
    int64_t rows = 0;
    int64_t step_sum = 0;
    double rate_sum = 0;
    int status;
    while ((status = sqlite3_step(statement)) == SQLITE_ROW) {
        step_sum += sqlite3_column_int64(statement, 0);
        rate_sum += sqlite3_column_double(statement, 1);
        rows++;
    }
    if (status != SQLITE_DONE) die(db, "scan");
    sqlite3_finalize(statement);
    sqlite3_close(db);
    print_result(command, rows, now_seconds() - start, step_sum, rate_sum);
    return 0;
}

/* baseline rates N PASSES: the schedule formula alone, for the schedule-evaluation figure. */
static int rates(int64_t count, int64_t passes) {
    double start = now_seconds();
    int64_t step_sum = 0;
    double rate_sum = 0;
    for (int64_t pass = 0; pass < passes; pass++) {
        for (int64_t step = 0; step < count; step++) {
            rate_sum += inverse_time_decay(step);
        }
        step_sum += count;
    }
    print_result("rates", count * passes, now_seconds() - start, step_sum, rate_sum);
    return 0;
}

static int64_t parse_count(const char *text) {
    char *end = NULL;
    long long value = strtoll(text, &end, 10);
    if (*text == '\0' || *end != '\0' || value < 0) {
        fprintf(stderr, "baseline: expected an integer >= 0, got '%s'\n", text);
        exit(2);
    }
    return value;
}

static void usage(void) {
    fprintf(stderr,
            "usage: baseline insert DB N\n"
            "       baseline scan DB\n"
            "       baseline scan-ledger DB RUN\n"
            "       baseline rates N PASSES\n");
    exit(2);
}

int main(int argc, char **argv) {
    if (argc < 3) usage();
    const char *command = argv[1];
    const char *path = argv[2]; /* the database, except for `rates` */
    if (strcmp(command, "insert") == 0 && argc == 4) return insert(path, parse_count(argv[3]));
    if (strcmp(command, "rates") == 0 && argc == 4) return rates(parse_count(argv[2]), parse_count(argv[3]));
    if (strcmp(command, "scan") == 0 && argc == 3) {
        return scan_query("scan", path, "SELECT step, rate FROM rate ORDER BY run, step", NULL);
    }
    if (strcmp(command, "scan-ledger") == 0 && argc == 4) {
        return scan_query("scan-ledger", path,
                          "SELECT step, rate FROM rate_log"
                          " WHERE run_id = (SELECT id FROM run WHERE name = ?1) ORDER BY step",
                          argv[3]);
    }
    usage();
    return 2;
}

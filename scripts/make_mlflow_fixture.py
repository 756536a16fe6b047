"""Makes the MLflow fixture of `lrledger import` (see scripts/make-import-fixtures).

Logs a learning rate to MLflow's SQLite tracking store as a training script would, with
the rates Keras computed (keras-rates.json, from make_import_fixtures.py), and a restart:
- the first process logs steps 0-29, then dies;
- the second resumes from its checkpoint at step 20 and logs steps 20-44 again, so steps
  20-29 are in the store twice (MLflow keeps both). Two faults are planted in it: at step
  24 it logs the rate of step 0 (a value logged twice with different rates), and at steps
  30-34 it logs the rate of the next step (read after the update: shifted by one step).

Usage: python make_mlflow_fixture.py OUTPUT_FOLDER
"""

import json
import os
import sqlite3
import sys

import mlflow


def main():
    out = sys.argv[1]
    with open(os.path.join(out, "keras-rates.json")) as f:
        rates = json.load(f)
    db = os.path.join(out, "mlflow.db")
    if os.path.exists(db):
        os.remove(db)
    mlflow.set_tracking_uri("sqlite:///" + db)
    mlflow.set_experiment("lrledger-fixture")
    with mlflow.start_run(run_name="restarted") as run:
        for step in range(0, 30):
            mlflow.log_metric("lr", rates[step], step=step)
            mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
        for step in range(20, 45):
            rate = rates[step]
            if step == 24:
                rate = rates[0]
            if 30 <= step <= 34:
                rate = rates[step + 1]
            mlflow.log_metric("lr", rate, step=step)
        print(run.info.run_id)
    # Keep the fixture small: MLflow's store is mostly empty tables and indexes, a page
    # each; smaller pages make the same database about an eighth of the size.
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA page_size = 512")
    connection.execute("VACUUM")
    connection.close()


if __name__ == "__main__":
    main()

"""Makes the Keras fixtures of `lrledger import` (see scripts/make-import-fixtures).

A tiny Keras model trains one batch per epoch (steps_per_epoch=1), so Keras's CSVLogger,
which writes one row per epoch, logs one row per optimizer step. A callback reads the rate
the optimizer is about to use (`optimizer.learning_rate`, the schedule at `iterations`)
before each batch, writes it to TensorBoard at the run's own global step, and puts it in the
epoch's logs as `lr`, which CSVLogger writes. The clean run writes TensorFlow 2 summaries
(tf.summary.write of a rank-0 float32 tensor, as tf.summary.scalar does), the other
TensorFlow 1 events (`simple_value`, through TensorFlow's EventFileWriter), so both forms
are covered.

Each run trains 25 steps, stops, and resumes for 15 more, as a second process would:
- clean: the resume keeps the optimizer, so `iterations` goes on from 25;
- lost-counter: the resume compiles a new optimizer, so `iterations` restarts at 0 and the
  rate restarts at the initial value from step 25 on, while the steps logged go on.

Usage: python make_import_fixtures.py OUTPUT_FOLDER
"""

import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from tensorflow.core.framework import summary_pb2  # noqa: E402
from tensorflow.core.util import event_pb2  # noqa: E402
from tensorflow.python.summary.writer.event_file_writer import EventFileWriter  # noqa: E402

FIRST_STEPS = 25
TOTAL_STEPS = 40


def schedule():
    return keras.optimizers.schedules.InverseTimeDecay(
        initial_learning_rate=0.1, decay_steps=10.0, decay_rate=0.5
    )


# What tf.summary.scalar writes (TensorBoard's scalars plugin, which this TensorFlow build
# lacks): a rank-0 tensor summary marked with the plugin's name.
SCALAR_METADATA = summary_pb2.SummaryMetadata(
    plugin_data=summary_pb2.SummaryMetadata.PluginData(plugin_name="scalars")
)


class TensorWriter:
    """TensorFlow 2's summary writer: tensor-valued scalars."""

    def __init__(self, logdir):
        self.writer = tf.summary.create_file_writer(logdir)

    def scalar(self, tag, value, step):
        with self.writer.as_default():
            tf.summary.write(tag, value, step=step, metadata=SCALAR_METADATA.SerializeToString())

    def close(self):
        self.writer.close()


class SimpleValueWriter:
    """TensorFlow 1's event writer: float32 simple_value scalars."""

    def __init__(self, logdir):
        self.writer = EventFileWriter(logdir)

    def scalar(self, tag, value, step):
        summary = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag=tag, simple_value=float(value))])
        self.writer.add_event(event_pb2.Event(wall_time=time.time(), step=step, summary=summary))

    def close(self):
        self.writer.close()


class LogRate(keras.callbacks.Callback):
    """Logs the rate each batch's update uses, at the run's global step."""

    def __init__(self, writer, step):
        super().__init__()
        self.writer = writer
        self.step = step
        self.rate = None

    def on_train_batch_begin(self, batch, logs=None):
        rate = self.model.optimizer.learning_rate
        self.rate = float(rate)
        self.writer.scalar("learning_rate", rate, self.step)
        self.step += 1

    def on_epoch_end(self, epoch, logs=None):
        logs["lr"] = self.rate


def make_model():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule()), loss="mse")
    return model


def run(name, out, lose_counter, writer_type):
    x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    y = np.random.default_rng(2).normal(size=(4, 1)).astype("float32")
    logs = os.path.join(out, name)
    os.makedirs(logs, exist_ok=True)
    csv_path = os.path.join(out, name + ".csv")
    model = make_model()
    writer = writer_type(logs)
    log = LogRate(writer, 0)
    model.fit(x, y, batch_size=4, epochs=FIRST_STEPS, verbose=0,
              callbacks=[log, keras.callbacks.CSVLogger(csv_path)])
    writer.close()
    time.sleep(1.1)  # a new process: a new event file
    if lose_counter:
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule()), loss="mse")
    writer = writer_type(logs)
    log = LogRate(writer, FIRST_STEPS)
    model.fit(x, y, batch_size=4, initial_epoch=FIRST_STEPS, epochs=TOTAL_STEPS, verbose=0,
              callbacks=[log, keras.callbacks.CSVLogger(csv_path, append=True)])
    writer.close()
    # Stable names, in the order written.
    for index, file in enumerate(sorted(os.listdir(logs), key=lambda f: os.path.getmtime(os.path.join(logs, f)))):
        os.rename(os.path.join(logs, file), os.path.join(logs, "events.out.tfevents.%d.fixture.v2" % (index + 1)))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "schedule.json"), "w") as f:
        json.dump(keras.optimizers.schedules.serialize(schedule()), f)
        f.write("\n")
    # The rates Keras computes, for the MLflow fixture (made in another environment).
    s = schedule()
    rates = [float(s(step)) for step in range(64)]
    with open(os.path.join(out, "keras-rates.json"), "w") as f:
        json.dump(rates, f)
    run("keras-clean", out, lose_counter=False, writer_type=TensorWriter)
    run("keras-lost-counter", out, lose_counter=True, writer_type=SimpleValueWriter)


if __name__ == "__main__":
    main()

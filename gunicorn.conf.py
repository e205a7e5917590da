"""
gunicorn's settings, read from the working directory by every gunicorn started
here (the image, `make run`). With PROMETHEUS_MULTIPROC_DIR set, the metrics'
counters are shared by the worker processes through files in that directory
(tracker/metrics.py): it is emptied when gunicorn starts, and a worker that
exits has its gauges dropped.
"""

import os
import shutil
from pathlib import Path


def on_starting(server) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        shutil.rmtree(directory, ignore_errors=True)
        Path(directory).mkdir(parents=True, exist_ok=True)


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# gunicorn's own lines (start, workers, errors) in the application's format,
# so that everything the server writes is one JSON object a line.
if os.environ.get("LOG_FORMAT", "json") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": True,
            }
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {
            # No level: gunicorn's --log-level (info by default) stays.
            "gunicorn.error": {"handlers": ["console"], "propagate": False},
        },
    }

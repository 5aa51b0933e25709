"""Re-creates schema_v1.db: a project as the first schema step wrote it (kept for migration tests).

Run from the repository root: python tests/data/make_schema_v1.py
"""

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from annotator.core.model import DEFAULT_LABELS
from annotator.core.text import sha256_text
from annotator.store.schema import APPLICATION_ID, migrations

TARGET = Path(__file__).with_name("schema_v1.db")
TEXT = "Kim Jong Un met Trump 😀 three times."

TARGET.unlink(missing_ok=True)
conn = sqlite3.connect(TARGET)
db = Database(conn, execute_plugins=False)
conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
migrations.apply(db, stop_before="0002_review_relations_search")
for order, label in enumerate(DEFAULT_LABELS):
    db["labels"].insert({"name": label.name, "color": label.color, "hotkey": label.hotkey,
                         "description": label.description, "sort_order": order})
db["documents"].insert({"id": 1, "uid": "kim", "sha256": sha256_text(TEXT), "title": "Kim", "source": "",
                        "text": TEXT, "meta": "{}", "created": "2026-01-01T00:00:00.000+00:00"})
db["spans"].insert({"id": 1, "doc_id": 1, "start": 0, "end": 11, "label": "actor", "annotator": "ana",
                    "origin": "manual", "note": "the leader", "created": "2026-01-01T00:00:00.000+00:00",
                    "updated": "2026-01-01T00:00:00.000+00:00"})
db["doc_status"].insert({"doc_id": 1, "annotator": "ana", "status": "done", "updated": "2026-01-01T00:00:00.000+00:00"})
db["annotators"].insert({"name": "ana", "created": "2026-01-01T00:00:00.000+00:00"})
conn.commit()
conn.execute("VACUUM")
conn.close()
print(TARGET, TARGET.stat().st_size)

"""Generate realistic data fast: a few hot contacts, a long cold tail, touches over two years."""

from __future__ import annotations

import random
import time
from datetime import timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from outreach.models import Campaign, Contact, Touch, User
from outreach.models.types import utcnow
from outreach.settings import UserSettings
from outreach.warmth import TOUCH_KINDS

TOPICS = ["podcasting", "marketing", "productivity", "copywriting", "launches", "online courses", "storytelling", "audio"]
CHUNK = 20_000


def generate(session: Session, contacts: int, touches: int, seed: int = 1) -> int:
    """One user with ``contacts`` contacts, ``touches`` touches and three campaigns; returns the user id."""
    rng = random.Random(seed)
    now = utcnow()
    started = time.perf_counter()
    user = User(email=f"bench{seed}@example.com", password_hash="x", audience_size=5_000, settings=UserSettings().model_dump())
    session.add(user)
    session.flush()
    rows = [
        {
            "owner_id": user.id, "name": f"Contact {i}", "email": f"c{i}@example.com",
            "kind": rng.choice(["influencer", "alliance_partner", "podcast_guest", "peer"]),
            "topics": rng.sample(TOPICS, rng.randint(1, 3)), "audience_size": int(rng.paretovariate(1.2) * 1000),
            "promotes_others": rng.random() < 0.7, "promotion_methods": ["interview"], "links": [], "tags": [],
            "notes": "", "created_at": now, "updated_at": now,
        }
        for i in range(contacts)
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(Contact), rows[start : start + CHUNK])
    ids = [cid for (cid,) in session.execute(Contact.__table__.select().with_only_columns(Contact.id).where(Contact.owner_id == user.id))]
    # Pareto weights: a few contacts get most touches, the tail gets one or two.
    weights = [rng.paretovariate(1.1) for _ in ids]
    targets = rng.choices(ids, weights=weights, k=touches)
    kinds = list(TOUCH_KINDS)
    batch = []
    for contact_id in targets:
        batch.append({
            "owner_id": user.id, "contact_id": contact_id, "kind": rng.choice(kinds),
            "direction": "inbound" if rng.random() < 0.2 else "outbound",
            "occurred_at": now - timedelta(days=rng.uniform(0, 730)), "note": "", "created_at": now,
        })
        if len(batch) >= CHUNK:
            session.execute(insert(Touch), batch)
            batch = []
    if batch:
        session.execute(insert(Touch), batch)
    for weeks, name in ((8, "Season 5"), (10, "Spring launch"), (20, "Summit")):
        session.add(Campaign(owner_id=user.id, name=name, kind="podcast_season", date=(now + timedelta(weeks=weeks)).date(), topics=TOPICS[:3]))
    session.commit()
    print(f"  generated {contacts:,} contacts and {touches:,} touches in {time.perf_counter() - started:.1f} s", flush=True)
    return user.id

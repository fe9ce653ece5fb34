"""Replies to and from JSON for the outbox."""

from __future__ import annotations

import json

from dialogs.model import Button, Image, Reply

__all__ = ["reply_from_json", "reply_to_json"]


def reply_to_json(reply: Reply) -> str:
    return json.dumps(
        {
            "text": reply.text,
            "buttons": [[[b.label, b.value] for b in r] for r in reply.buttons],
            "nonce": reply.nonce,
            "image": [reply.image.kind, reply.image.caption] if reply.image else None,
            "attachment": reply.attachment,
            "urgent": reply.urgent,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def reply_from_json(raw: str) -> Reply:
    data = json.loads(raw)
    image = data.get("image")
    return Reply(
        text=data["text"],
        buttons=tuple(tuple(Button(label, value) for label, value in r) for r in data["buttons"]),
        nonce=data["nonce"],
        image=Image(image[0], image[1]) if image else None,
        attachment=data.get("attachment", ""),
        urgent=bool(data.get("urgent", False)),
    )

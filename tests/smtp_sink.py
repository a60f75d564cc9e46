#!/usr/bin/env python3
"""A loopback SMTP server for the email tests (aiosmtpd, Debian's
python3-aiosmtpd).

    smtp_sink.py serve PORT DIR   accept mail on 127.0.0.1:PORT; write each
                                  message as DIR/<n>.json (decoded) and
                                  DIR/<n>.eml (raw); refuse recipients whose
                                  address starts with "bounce" with 550
    smtp_sink.py decode FILE      print an .eml file decoded as JSON

The JSON has rcpt (envelope recipients), from, to, subject, message_id,
language, text and html (bodies decoded to text).
"""

import email
import email.policy
import json
import os
import signal
import sys
import threading


def decode(raw: bytes, rcpt=None) -> dict:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    text = html = None
    for part in msg.walk():
        ctype = part.get_content_type()
        if part.is_multipart():
            continue
        if ctype == "text/plain" and text is None:
            text = part.get_content()
        elif ctype == "text/html" and html is None:
            html = part.get_content()
    return {
        "rcpt": rcpt if rcpt is not None else [],
        "from": str(msg.get("From", "")),
        "to": str(msg.get("To", "")),
        "subject": str(msg.get("Subject", "")),
        "message_id": str(msg.get("Message-ID", "")),
        "text": text or "",
        "html": html or "",
    }


def serve(port: int, out_dir: str) -> None:
    from aiosmtpd.controller import Controller

    os.makedirs(out_dir, exist_ok=True)
    lock = threading.Lock()
    counter = [0]

    class Handler:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address.lower().startswith("bounce"):
                return "550 5.1.1 no such user"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            raw = envelope.original_content or envelope.content
            with lock:
                counter[0] += 1
                n = counter[0]
            base = os.path.join(out_dir, f"{n:05d}")
            with open(base + ".eml", "wb") as f:
                f.write(raw)
            tmp = base + ".json.tmp"
            with open(tmp, "w") as f:
                json.dump(decode(raw, list(envelope.rcpt_tos)), f)
            os.rename(tmp, base + ".json")
            return "250 Message accepted"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"smtp sink listening on 127.0.0.1:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        while not stop.wait(0.2):
            pass
    finally:
        controller.stop()


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "decode":
        with open(sys.argv[2], "rb") as f:
            print(json.dumps(decode(f.read())))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()

"""A fault injector for the LLM tier: an OpenAI-compatible server that answers with what the test
scripts (tool arguments that name another shopper or an order action; an answer that claims it cancelled
and refunded). A real model does such things only by accident, so the rules that must hold whatever the
model says are tried with this one. It records every request, so a test can read what the model was shown.
"""
from __future__ import annotations

import contextlib
import json
import threading
import time

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from tests.services import free_port


class RogueLLM:
    def __init__(self) -> None:
        self.tool = ""  # the tool every call names (empty: the one the service asked for)
        self.arguments: dict = {}  # what every tool call returns
        self.answer = ""  # what every free-form answer says
        self.word_seconds = 0.0  # a pause before each word of it: a model too slow for the shopper's wait
        self.requests: list[dict] = []
        app = FastAPI()

        @app.get("/v1/models")
        async def models():
            return {"object": "list", "data": [{"id": "shop-llm", "object": "model", "owned_by": "test"}]}

        @app.post("/v1/chat/completions")
        async def complete(request: Request):
            body = await request.json()
            self.requests.append(body)
            head = {"id": f"c{len(self.requests)}", "created": int(time.time()), "model": body["model"]}
            if body.get("tools"):
                name = self.tool or body["tool_choice"]["function"]["name"]
                call = {"id": "call_1", "type": "function",
                        "function": {"name": name, "arguments": json.dumps(self.arguments)}}
                return {**head, "object": "chat.completion", "choices": [{
                    "index": 0, "finish_reason": "tool_calls",
                    "message": {"role": "assistant", "content": None, "tool_calls": [call]}}]}

            def chunks():
                for word in self.answer.split(" "):
                    time.sleep(self.word_seconds)
                    delta = {"index": 0, "delta": {"content": word + " "}, "finish_reason": None}
                    yield f"data: {json.dumps({**head, 'object': 'chat.completion.chunk', 'choices': [delta]})}\n\n"
                done = {"index": 0, "delta": {}, "finish_reason": "stop"}
                yield f"data: {json.dumps({**head, 'object': 'chat.completion.chunk', 'choices': [done]})}\n\n"
                yield "data: [DONE]\n\n"

            return StreamingResponse(chunks(), media_type="text/event-stream")

        self.app = app

    def shown(self) -> str:
        """Everything the model was shown, as one text."""
        return "\n".join(m.get("content") or "" for r in self.requests for m in r["messages"])


@contextlib.contextmanager
def rogue_llm_server():
    """Yields (base_url, RogueLLM) while the server runs in a thread of the test process."""
    rogue, port = RogueLLM(), free_port()
    server = uvicorn.Server(uvicorn.Config(rogue.app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the rogue LLM server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/v1", rogue
    finally:
        server.should_exit = True
        thread.join(timeout=5)

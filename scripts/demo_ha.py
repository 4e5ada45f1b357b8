"""A small Home Assistant client for the demo: onboarding, login, config flows and websocket commands."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import itertools
from typing import Any, cast

import aiohttp

JsonDict = dict[str, Any]


class DemoSetupError(Exception):
    """Home Assistant answered something the demo cannot continue from."""


@dataclass(frozen=True, kw_only=True)
class Login:
    """The demo user's name and password."""

    name: str = "Demo"
    username: str = "demo"
    password: str = "demo"  # noqa: S105 - a throwaway local demo account, printed for the user


class HomeAssistantClient:
    """Talks to one Home Assistant over REST and websocket with one access token."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        """Use an open aiohttp session against base_url (no trailing slash)."""
        self._session = session
        self.base_url = base_url
        self.client_id = f"{base_url}/"
        self._access_token: str | None = None
        self._ws_ids = itertools.count(1)

    async def wait_until_up(self, timeout_s: float) -> None:
        """Wait until the HTTP server answers (the login providers path needs no login; 400 before onboarding)."""
        deadline = asyncio.get_running_loop().time() + timeout_s
        while True:
            try:
                async with self._session.get(f"{self.base_url}/auth/providers") as resp:
                    if resp.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            if asyncio.get_running_loop().time() > deadline:
                raise DemoSetupError(
                    f"Home Assistant did not answer on {self.base_url} within {timeout_s:.0f} s"
                )
            await asyncio.sleep(1)

    async def onboard_or_login(self, login: Login) -> None:
        """Finish every onboarding step still open, then hold a token for the demo user."""
        async with self._session.get(f"{self.base_url}/api/onboarding") as resp:
            # Once onboarding is complete, Home Assistant no longer serves this path.
            steps = (
                {step["step"]: step["done"] for step in await resp.json()}
                if resp.status == 200
                else {}
            )
        if not steps.get("user", True):
            code = await self._post_json(
                "/api/onboarding/users",
                {
                    "name": login.name,
                    "username": login.username,
                    "password": login.password,
                    "client_id": self.client_id,
                    "language": "en",
                },
                auth=False,
            )
            await self._fetch_token(code["auth_code"])
        else:
            await self._fetch_token(await self._login_code(login))
        if not steps.get("core_config", True):
            await self._post_json("/api/onboarding/core_config", {})
        if not steps.get("analytics", True):
            await self._post_json("/api/onboarding/analytics", {})
        if not steps.get("integration", True):
            await self._post_json(
                "/api/onboarding/integration",
                {
                    "client_id": self.client_id,
                    "redirect_uri": f"{self.base_url}/?auth_callback=1",
                },
            )

    async def _login_code(self, login: Login) -> str:
        """Run the password login flow and return its authorization code."""
        flow = await self._post_json(
            "/auth/login_flow",
            {
                "client_id": self.client_id,
                "handler": ["homeassistant", None],
                "redirect_uri": f"{self.base_url}/",
            },
            auth=False,
        )
        result = await self._post_json(
            f"/auth/login_flow/{flow['flow_id']}",
            {
                "client_id": self.client_id,
                "username": login.username,
                "password": login.password,
            },
            auth=False,
        )
        if result.get("type") != "create_entry":
            raise DemoSetupError(
                f"login as {login.username!r} failed: {result.get('errors')}"
            )
        return str(result["result"])

    async def _fetch_token(self, code: str) -> None:
        """Exchange an authorization code for an access token."""
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": self.client_id,
        }
        async with self._session.post(f"{self.base_url}/auth/token", data=form) as resp:
            body = await resp.json()
            if resp.status != 200:
                raise DemoSetupError(f"token request failed: {resp.status} {body}")
        self._access_token = str(body["access_token"])

    def _headers(self, auth: bool) -> dict[str, str]:
        if not auth:
            return {}
        if self._access_token is None:
            raise DemoSetupError("not logged in")
        return {"Authorization": f"Bearer {self._access_token}"}

    async def _post_json(
        self, path: str, payload: JsonDict, *, auth: bool = True
    ) -> JsonDict:
        async with self._session.post(
            f"{self.base_url}{path}", json=payload, headers=self._headers(auth)
        ) as resp:
            text = await resp.text()
            if resp.status != 200:
                raise DemoSetupError(f"POST {path} -> {resp.status}: {text}")
            return cast("JsonDict", await resp.json(content_type=None)) if text else {}

    async def get_json(self, path: str) -> Any:
        """GET a REST path and return its JSON."""
        async with self._session.get(
            f"{self.base_url}{path}", headers=self._headers(True)
        ) as resp:
            if resp.status != 200:
                raise DemoSetupError(
                    f"GET {path} -> {resp.status}: {await resp.text()}"
                )
            return await resp.json()

    async def remove_entries(self, domains: set[str]) -> list[str]:
        """Delete the config entries of these domains (onboarding adds some that need the internet)."""
        removed = []
        for entry in await self.get_json("/api/config/config_entries/entry"):
            if entry["domain"] in domains:
                path = f"/api/config/config_entries/entry/{entry['entry_id']}"
                async with self._session.delete(
                    f"{self.base_url}{path}", headers=self._headers(True)
                ) as resp:
                    if resp.status != 200:
                        raise DemoSetupError(
                            f"DELETE {path} -> {resp.status}: {await resp.text()}"
                        )
                removed.append(str(entry["title"]))
        return removed

    async def call_service(self, domain: str, service: str, data: JsonDict) -> None:
        """Call a Home Assistant action."""
        await self._post_no_body(f"/api/services/{domain}/{service}", data)

    async def _post_no_body(self, path: str, payload: JsonDict) -> None:
        async with self._session.post(
            f"{self.base_url}{path}", json=payload, headers=self._headers(True)
        ) as resp:
            if resp.status != 200:
                raise DemoSetupError(
                    f"POST {path} -> {resp.status}: {await resp.text()}"
                )

    async def run_flow(
        self, start_path: str, handler: Any, answers: JsonDict
    ) -> JsonDict:
        """Run a config or subentry flow to its end, answering each form from `answers` (by field name)."""
        result = await self._post_json(
            start_path, {"handler": handler, "show_advanced_options": False}
        )
        for _ in range(10):
            kind = result.get("type")
            if kind in ("create_entry", "abort"):
                return result
            if result.get("errors"):
                raise DemoSetupError(
                    f"{handler} step {result.get('step_id')}: errors {result['errors']}"
                )
            if kind == "menu":
                options = list(result["menu_options"])
                choice = answers.get(f"menu:{result['step_id']}", options[0])
                user_input: JsonDict = {"next_step_id": choice}
            elif kind == "form":
                user_input = fill_form(result, answers)
            else:
                raise DemoSetupError(f"{handler}: unexpected flow result {result}")
            try:
                result = await self._post_json(
                    f"{start_path}/{result['flow_id']}", user_input
                )
            except DemoSetupError as err:
                step = result.get("step_id")
                raise DemoSetupError(
                    f"{handler} step {step} with {user_input}: {err}"
                ) from err
        raise DemoSetupError(f"{handler}: flow did not finish within 10 steps")

    async def websocket(self, commands: list[JsonDict]) -> list[Any]:
        """Send websocket commands in order on one connection and return their results."""
        url = self.base_url.replace("http", "ws", 1) + "/api/websocket"
        results: list[Any] = []
        async with self._session.ws_connect(url) as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self._access_token})
            if (await ws.receive_json()).get("type") != "auth_ok":
                raise DemoSetupError("websocket authentication failed")
            for command in commands:
                msg_id = next(self._ws_ids)
                await ws.send_json({"id": msg_id, **command})
                while True:
                    reply = await ws.receive_json()
                    if reply.get("id") == msg_id and reply.get("type") == "result":
                        break
                if not reply.get("success"):
                    raise DemoSetupError(
                        f"websocket {command['type']} failed: {reply.get('error')}"
                    )
                results.append(reply.get("result"))
        return results


def fill_form(result: JsonDict, answers: JsonDict) -> JsonDict:
    """Answer a form: known fields from `answers`, the rest left to the schema's defaults."""
    user_input: JsonDict = {}
    missing: list[str] = []
    for field in result.get("data_schema") or []:
        name = field["name"]
        if field.get("type") == "expandable":
            user_input[name] = fill_form(
                {"data_schema": field["schema"], "step_id": name}, answers
            )
        elif name in answers:
            user_input[name] = answers[name]
        elif field.get("required") and "default" not in field:
            missing.append(name)
    if missing:
        raise DemoSetupError(
            f"step {result.get('step_id')}: no demo answer for required field(s) {missing}"
        )
    return user_input

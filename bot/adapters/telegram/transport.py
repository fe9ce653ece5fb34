"""python-telegram-bot's requests over aiohttp instead of httpx.

PTB sends every Bot API call through a `BaseRequest`, and documents replacing the default
`HTTPXRequest` with another. A profile of a guide step showed httpx's connection pool spending more
CPU on each request than the step's own logic: before every request it asks each idle connection's
socket whether it is readable, through anyio, which builds a dictionary of lambdas per question.
aiohttp is already installed for discord.py, and its pool learns of a closed connection from the
event loop instead of asking. Requests are sent as httpx sent them: form-encoded, or multipart when
a file goes along.

A request that fails before a byte of it left this machine raises with a `NotSent` cause, so the
sender can retry it without risking a duplicate.
"""

from __future__ import annotations

import os
import ssl

import aiohttp
import certifi
from aiohttp.helpers import get_env_proxy_for_url
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

__all__ = ["AiohttpRequest", "NotSent"]


class NotSent(Exception):
    """The cause of a failure that happened before the request left: nothing can have arrived."""


class AiohttpRequest(BaseRequest):
    __slots__ = ("_connect", "_media_write", "_pool", "_proxies", "_read", "_session", "_size", "_write")

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, tuple[URL | None, aiohttp.BasicAuth | None]] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # As httpx did: certifi's CA bundle unless SSL_CERT_FILE or SSL_CERT_DIR names another,
            # so a slim image without system certificates still reaches Telegram; and proxies from
            # the environment (see _proxy_for).
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._size, ssl=_ssl_context()),
                cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT},
            )
            self._proxies = {}

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        read = self._read if isinstance(read_timeout, DefaultValue) else read_timeout
        if isinstance(write_timeout, DefaultValue):
            write = self._media_write if files else self._write
        else:
            write = write_timeout
        connect = self._connect if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool if isinstance(pool_timeout, DefaultValue) else pool_timeout
        # aiohttp has no write timeout: the whole request may take the write and read budgets together.
        budget = None if read is None or write is None else read + write
        timeout = aiohttp.ClientTimeout(
            total=budget,
            connect=_sum(pool, connect),  # waiting for a free connection, then opening it
            sock_connect=connect,
            sock_read=read,
        )
        body: aiohttp.FormData | dict[str, str] | None = fields
        if files:
            body = aiohttp.FormData(fields or {})
            for name, value in files.items():
                if isinstance(value, tuple):
                    filename, content, *rest = value
                    body.add_field(name, content, filename=filename, content_type=rest[0] if rest else None)
                else:
                    body.add_field(name, value)
        try:
            proxy, proxy_auth = self._proxy_for(url)
            async with session.request(
                method, url, data=body, timeout=timeout, proxy=proxy, proxy_auth=proxy_auth
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as exc:
            raise TimedOut("Timed out waiting for a connection; the request was not sent") from NotSent(exc)
        except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # Only the type: aiohttp's messages can quote the URL, and the token is in it.
            message = f"aiohttp.{type(exc).__name__}"
            if _never_left(exc):
                raise NetworkError(message) from NotSent(exc)
            raise NetworkError(message) from exc

    def _proxy_for(self, url: str) -> tuple[URL | None, aiohttp.BasicAuth | None]:
        """HTTPS_PROXY, HTTP_PROXY, NO_PROXY and the like, looked up once per host.

        aiohttp's own `trust_env` looks them up, and reads ~/.netrc, on every request: a third of
        a guide step's throughput in the bench."""
        target = URL(url)
        origin = f"{target.scheme}://{target.host}:{target.port}"
        if origin not in self._proxies:
            try:
                self._proxies[origin] = get_env_proxy_for_url(target)
            except LookupError:
                self._proxies[origin] = (None, None)
        return self._proxies[origin]


def _ssl_context() -> ssl.SSLContext:
    if os.environ.get("SSL_CERT_FILE") or os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context()  # OpenSSL reads both variables itself
    return ssl.create_default_context(cafile=certifi.where())


def _never_left(exc: BaseException) -> bool:
    """The connection failed to open, or the request was not all written.

    The server acts on a request only once all of it has arrived, and aiohttp refuses a write to a
    connection already closing (one the server closed while it sat in the pool) before writing.
    """
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, aiohttp.ClientConnectorError | aiohttp.ClientConnectionResetError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _sum(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a + b

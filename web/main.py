"""The application object `rollout web` serves (uvicorn imports it by name in each worker)."""

from config.settings import get_settings
from web.app import create_app

app = create_app(get_settings().web_as_of)

"""Extensions created unbound and bound to an app in `create_app`."""

from flask_babel import Babel
from flask_caching import Cache
from flask_login import LoginManager
from flask_wtf import CSRFProtect

babel = Babel()
cache = Cache()
csrf = CSRFProtect()
login_manager = LoginManager()

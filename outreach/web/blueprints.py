"""All web blueprints, in registration order."""

from outreach.web.asks import bp as asks_bp
from outreach.web.auth import bp as auth_bp
from outreach.web.bookmarklet import bp as bookmarklet_bp
from outreach.web.calendar import bp as calendar_bp
from outreach.web.campaigns import bp as campaigns_bp
from outreach.web.contacts import bp as contacts_bp
from outreach.web.goforno import bp as goforno_bp
from outreach.web.learning import bp as learning_bp
from outreach.web.settings import bp as settings_bp
from outreach.web.today import bp as today_bp
from outreach.web.transfer import bp as transfer_bp

blueprints = [auth_bp, today_bp, contacts_bp, campaigns_bp, asks_bp, settings_bp, calendar_bp, goforno_bp, transfer_bp, bookmarklet_bp, learning_bp]

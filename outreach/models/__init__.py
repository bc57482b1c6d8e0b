"""The data model; every table of user data carries ``owner_id`` so queries scope by one column."""

from outreach.models.ask import Ask, AskChange
from outreach.models.campaign import Campaign
from outreach.models.contact import BusyPeriod, Contact, Touch
from outreach.models.episode import Episode, Offer
from outreach.models.message import Message, Win
from outreach.models.reminder import Reminder
from outreach.models.user import ApiToken, User

__all__ = ["ApiToken", "Ask", "AskChange", "BusyPeriod", "Campaign", "Contact", "Episode", "Message", "Offer", "Reminder", "Touch", "User", "Win"]

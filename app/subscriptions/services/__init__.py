"""Rules for subscribe messages: templates per community (templates.py), credits per person
(credits.py) and WeChat's pushed subscription events (events.py)."""

from app.subscriptions.services.credits import (
    MySubscription,
    SubscribeTemplateUnknown,
    clear_credit,
    list_my_subscriptions,
    record_popup_results,
    refund_credit,
    spend_credit,
)
from app.subscriptions.services.events import apply_subscription_event
from app.subscriptions.services.templates import (
    SubscribeTemplateNotFound,
    SubscribeTemplatePurposeTaken,
    create_template,
    deactivate_template,
    get_template,
    get_template_by_id,
    is_long_term,
    list_templates,
    update_template,
)

__all__ = [
    "MySubscription",
    "SubscribeTemplateNotFound",
    "SubscribeTemplatePurposeTaken",
    "SubscribeTemplateUnknown",
    "apply_subscription_event",
    "clear_credit",
    "create_template",
    "deactivate_template",
    "get_template",
    "get_template_by_id",
    "is_long_term",
    "list_my_subscriptions",
    "list_templates",
    "record_popup_results",
    "refund_credit",
    "spend_credit",
    "update_template",
]

"""What the activities services refuse, each with its stable reason and a Chinese toast."""

from __future__ import annotations

from app.core.errors import Conflict, Forbidden, Invalid, NotFound


class ActivityNotFound(NotFound):
    reason = "activity_not_found"
    message = "找不到该活动"


class SignupNotFound(NotFound):
    reason = "signup_not_found"
    message = "找不到该报名"


class ActivityEndsBeforeStart(Invalid):
    reason = "activity_ends_before_start"
    message = "活动结束时间须晚于开始时间"


class SignupWindowInvalid(Invalid):
    reason = "signup_window_invalid"
    message = "报名截止时间须晚于报名开始时间，且不晚于活动结束"


class AudienceTargetsMissing(Invalid):
    reason = "activity_audience_invalid"
    message = "活动对象填写有误"


class QuestionsInvalid(Invalid):
    reason = "activity_questions_invalid"
    message = "自定义问题填写有误"


class TeamRequired(Invalid):
    reason = "activity_team_invalid"
    message = "请选择本社区的志愿服务队"


class CapacityBelowTaken(Conflict):
    reason = "capacity_below_taken"
    message = "名额不能少于已报名的人数"


class NotOrganiser(Forbidden):
    reason = "not_activity_organiser"
    message = "只有活动的组织者可以进行此操作"


class ActivityCancelled(Conflict):
    reason = "activity_cancelled"
    message = "活动已取消"


class SignupNotOpen(Conflict):
    reason = "signup_not_open"
    message = "报名尚未开始"


class SignupClosed(Conflict):
    reason = "signup_closed"
    message = "报名已截止"


class ActivityFull(Conflict):
    reason = "activity_full"
    message = "活动名额已满，候补也已满"


class ActivityNotForYou(Forbidden):
    reason = "activity_not_for_you"
    message = "该活动不面向您报名"


class HouseholdRequired(Forbidden):
    reason = "household_required"
    message = "请先绑定您的房屋再报名"


class CompanionInvalid(Invalid):
    reason = "companion_invalid"
    message = "同行人须是您家中登记的其他成员"


class PartyTooLarge(Invalid):
    reason = "party_too_large"
    message = "报名人数超过了每户可报名额"


class ShopRequired(Forbidden):
    reason = "shop_required"
    message = "请选择您所代表的商户报名"


class AnswersInvalid(Invalid):
    reason = "signup_answers_invalid"
    message = "报名问题的回答有误"


class SignupConflict(Conflict):
    reason = "signup_conflict"
    message = "报名请求冲突，请稍后重试"


class SignupRejectedBefore(Conflict):
    reason = "signup_rejected"
    message = "您的报名未通过审核，不能再次报名"


class CancelDeadlinePassed(Conflict):
    reason = "cancel_deadline_passed"
    message = "已过取消报名的截止时间"


class SignupNotCancellable(Conflict):
    reason = "signup_not_cancellable"
    message = "该报名已结束，无需取消"


class OfferExpired(Conflict):
    reason = "offer_expired"
    message = "候补名额的确认时间已过"


class NoOffer(Conflict):
    reason = "signup_not_offered"
    message = "该报名没有待确认的候补名额"


class SignupNotPending(Conflict):
    reason = "signup_not_pending"
    message = "该报名不在待审核状态"


class CheckinCodeInvalid(Forbidden):
    reason = "checkin_code_invalid"
    message = "签到码无效"


class CheckinCodeExpired(Forbidden):
    reason = "checkin_code_expired"
    message = "签到码已过期"


class CheckinNotOpen(Conflict):
    reason = "checkin_not_open"
    message = "当前不在签到时间内"


class SignupNotConfirmed(Conflict):
    reason = "signup_not_confirmed"
    message = "报名尚未确认，不能签到"


class NotCheckedIn(Conflict):
    reason = "not_checked_in"
    message = "尚未签到，不能签退"


class ParticipantsPrivate(Forbidden):
    reason = "participants_private"
    message = "本活动的参与者名单仅组织者可见"

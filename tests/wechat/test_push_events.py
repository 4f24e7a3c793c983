"""Parsing pushed events: JSON and XML alike, List object-or-array, numbers as strings, dedup."""

from __future__ import annotations

import json

import pytest

from app.wechat.push_events import (
    MediaCheckVerdict,
    PushBodyInvalid,
    SubscriptionDecision,
    SubscriptionSendResult,
    dedup_key,
    event_kind,
    media_check_verdict,
    parse_body,
    send_results,
    subscription_decisions,
)

# The samples below are WeChat's own, from "小程序订阅消息 → 订阅消息事件推送",
# https://developers.weixin.qq.com/miniprogram/dev/framework/open-ability/subscribe-message.html
# (the JSON popup/change samples there end in a stray comma, dropped here to make them JSON;
# two XML lines are re-wrapped at insignificant whitespace).
POPUP_XML = """<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969440</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_popup_event]]></Event>
    <SubscribeMsgPopupEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
        <List>
            <TemplateId><![CDATA[9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
            <PopupScene>2</PopupScene>
        </List>
    </SubscribeMsgPopupEvent>
</xml>"""
POPUP_JSON_ONE = """{
    "ToUserName": "gh_123456789abc",
    "FromUserName": "o7esq5OI1Uej6Xixw1lA2H7XDVbc",
    "CreateTime": "1620973045",
    "MsgType": "event",
    "Event": "subscribe_msg_popup_event",
    "List": {
        "TemplateId": "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68",
        "SubscribeStatusString": "accept",
        "PopupScene": "0"
    }
}"""
CHANGE_XML = """<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969440</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_change_event]]></Event>
    <SubscribeMsgChangeEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <SubscribeStatusString><![CDATA[reject]]></SubscribeStatusString>
        </List>
    </SubscribeMsgChangeEvent>
</xml>"""
CHANGE_JSON_ARRAY = """{
      "ToUserName": "gh_123456789abc",
      "FromUserName": "o7esq5OI1Uej6Xixw1lA2H7XDVbc",
      "CreateTime": "1610968440",
      "MsgType": "event",
      "Event": "subscribe_msg_change_event",
      "List": [  {
                "TemplateId":"BEwX0BOT3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8",
                "SubscribeStatusString": "reject"
      }]
}"""
SENT_XML = """<xml>
    <ToUserName><![CDATA[gh_123456789abc]]></ToUserName>
    <FromUserName><![CDATA[otFpruAK8D-E6EfStSYonYSBZ8_4]]></FromUserName>
    <CreateTime>1610969468</CreateTime>
    <MsgType><![CDATA[event]]></MsgType>
    <Event><![CDATA[subscribe_msg_sent_event]]></Event>
    <SubscribeMsgSentEvent>
        <List>
            <TemplateId><![CDATA[VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc]]></TemplateId>
            <MsgID>1700827132819554304</MsgID>
            <ErrorCode>0</ErrorCode>
            <ErrorStatus><![CDATA[success]]></ErrorStatus>
        </List>
    </SubscribeMsgSentEvent>
</xml>"""
SENT_JSON_ONE = """{
    "ToUserName": "gh_123456789abc",
    "FromUserName": "o7esq5PHRGBQYmeNyfG064wEFVpQ",
    "CreateTime": "1620963428",
    "MsgType": "event",
    "Event": "subscribe_msg_sent_event",
    "List": {
        "TemplateId": "BEwX0BO-T3MqK3Uc5oTU3CGBqzjpndk2jzUf7VfExd8",
        "MsgID": "1864323726461255680",
        "ErrorCode": "0",
        "ErrorStatus": "success"
      }

}"""
# Shape of WeChat's wxa_media_check (v2) push, as the emulator sends it.
MEDIA_CHECK = {
    "ToUserName": "gh_38cc49f9733b",
    "FromUserName": "oH1fu0FdHqpToe2T6gBj0WyB8iS1",
    "CreateTime": 1626959646,
    "MsgType": "event",
    "Event": "wxa_media_check",
    "appid": "wx8f16a5e42ac0b9fd",
    "trace_id": "60f96f1d-3845297a-1976a3ae",
    "version": 2,
    "detail": [{"strategy": "content_model", "errcode": 0, "suggest": "risky", "label": 20002}],
    "errcode": 0,
    "errmsg": "ok",
    "result": {"suggest": "risky", "label": 20002},
}


def test_a_popup_in_xml_gives_one_decision_per_template():
    decisions = subscription_decisions(parse_body(POPUP_XML.encode()))

    assert decisions == [
        SubscriptionDecision(
            "otFpruAK8D-E6EfStSYonYSBZ8_4",
            "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc",
            "accept",
            2,
            "subscribe_msg_popup_event",
            1610969440,
        ),
        SubscriptionDecision(
            "otFpruAK8D-E6EfStSYonYSBZ8_4",
            "9nLIlbOQZC5Y89AZteFEux3WCXRRRG5Wfzkpssu4bLI",
            "reject",
            2,
            "subscribe_msg_popup_event",
            1610969440,
        ),
    ]


def test_a_json_list_of_one_object_is_read_as_a_list_with_numbers_from_strings():
    event = parse_body(POPUP_JSON_ONE.encode())

    assert isinstance(event["List"], list) and len(event["List"]) == 1
    assert event["CreateTime"] == 1620973045
    assert subscription_decisions(event) == [
        SubscriptionDecision(
            "o7esq5OI1Uej6Xixw1lA2H7XDVbc",
            "hD-ixGOhYmUfjOnI8MCzQMPshzGVeux_2vzyvQu7O68",
            "accept",
            0,
            "subscribe_msg_popup_event",
            1620973045,
        )
    ]


def test_a_json_list_of_several_and_the_xml_form_read_alike():
    several = json.loads(POPUP_JSON_ONE)
    several["List"] = [
        {"TemplateId": "T1", "SubscribeStatusString": "accept", "PopupScene": 0},
        {"TemplateId": "T2", "SubscribeStatusString": "ban", "PopupScene": "0"},
        {"TemplateId": "T3", "SubscribeStatusString": "filter", "PopupScene": "0"},
    ]

    decisions = subscription_decisions(parse_body(json.dumps(several)))

    assert [(d.template_id, d.status, d.popup_scene) for d in decisions] == [
        ("T1", "accept", 0),
        ("T2", "ban", 0),
        ("T3", "filter", 0),
    ]


@pytest.mark.parametrize("body", [CHANGE_XML, CHANGE_JSON_ARRAY])
def test_a_change_event_is_a_rejection_without_a_popup_scene(body):
    (decision,) = subscription_decisions(parse_body(body))

    assert decision.status == "reject"
    assert decision.popup_scene is None
    assert decision.event == "subscribe_msg_change_event"


def test_a_sent_event_reports_msg_id_and_error_code_in_xml_and_json():
    from_xml = send_results(parse_body(SENT_XML))
    from_json = send_results(parse_body(SENT_JSON_ONE))

    assert from_xml == [
        SubscriptionSendResult(
            "otFpruAK8D-E6EfStSYonYSBZ8_4",
            "VRR0UEO9VJOLs0MHlU0OilqX6MVFDwH3_3gz3Oc0NIc",
            "1700827132819554304",
            0,
            "success",
            1610969468,
        )
    ]
    assert from_json[0].msg_id == "1864323726461255680"
    assert from_json[0].error_code == 0
    assert from_json[0].created_at == 1620963428


def test_a_failed_send_keeps_its_error_code_as_a_number():
    event = json.loads(SENT_JSON_ONE)
    event["List"] = [
        {"TemplateId": "T1", "MsgID": 1, "ErrorCode": "10005", "ErrorStatus": "fail"},
        {"TemplateId": "T2", "MsgID": "2", "ErrorCode": 0, "ErrorStatus": "success"},
    ]

    results = send_results(parse_body(json.dumps(event)))

    assert [(r.msg_id, r.error_code, r.error_status) for r in results] == [
        ("1", 10005, "fail"),
        ("2", 0, "success"),
    ]


def test_the_json_wrapper_form_of_older_samples_is_read_too():
    event = {
        "FromUserName": "o1",
        "CreateTime": "1",
        "MsgType": "event",
        "Event": "subscribe_msg_sent_event",
        "SubscribeMsgSentEvent": {"List": {"TemplateId": "T", "MsgID": "9", "ErrorCode": "0"}},
    }

    (result,) = send_results(parse_body(json.dumps(event)))

    assert (result.template_id, result.msg_id, result.error_code) == ("T", "9", 0)


def test_a_media_check_push_gives_its_verdict():
    verdict = media_check_verdict(parse_body(json.dumps(MEDIA_CHECK)))

    assert verdict == MediaCheckVerdict(
        trace_id="60f96f1d-3845297a-1976a3ae",
        suggest="risky",
        label=20002,
        openid="oH1fu0FdHqpToe2T6gBj0WyB8iS1",
        errcode=0,
    )


def test_typed_views_ignore_events_of_another_kind():
    popup = parse_body(POPUP_XML)

    assert send_results(popup) == []
    assert media_check_verdict(popup) is None
    assert subscription_decisions(parse_body(json.dumps(MEDIA_CHECK))) == []


def test_the_event_kind_is_the_event_or_else_the_message_type():
    assert event_kind(parse_body(SENT_XML)) == "subscribe_msg_sent_event"
    assert event_kind({"MsgType": "text", "Content": "你好"}) == "text"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"success",
        b"[1, 2]",
        b'{"Event": ',
        b"<xml><Event>x</Event>",
        b"<xml>plain text</xml>",
        b"\xff\xfe<xml/>",
        b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaa">]><xml><E>&a;</E></xml>',
        b'<!DOCTYPE xml SYSTEM "file:///etc/passwd"><xml><E>1</E></xml>',
        b"<xml>" + b"<a>" * 50 + b"x" + b"</a>" * 50 + b"</xml>",
        b"[" * 100_000 + b"]" * 100_000,
    ],
)
def test_anything_but_a_json_object_or_a_plain_xml_document_is_refused(body):
    with pytest.raises(PushBodyInvalid):
        parse_body(body)


def test_a_resent_event_has_the_same_dedup_key_however_its_json_is_laid_out():
    original = parse_body(SENT_JSON_ONE)
    reordered = json.dumps(dict(reversed(json.loads(SENT_JSON_ONE).items())), indent=None)

    assert dedup_key(parse_body(reordered)) == dedup_key(original)


def test_two_events_in_the_same_second_from_one_person_have_different_keys():
    first = parse_body(SENT_JSON_ONE)
    second = json.loads(SENT_JSON_ONE)
    second["List"]["MsgID"] = "1864323726461255681"

    assert dedup_key(first) != dedup_key(parse_body(json.dumps(second)))
    assert dedup_key(first).startswith("event:o7esq5PHRGBQYmeNyfG064wEFVpQ:1620963428:")


def test_a_message_is_keyed_by_msg_id_and_a_media_verdict_by_trace_id():
    message = {
        "FromUserName": "o1",
        "CreateTime": 1,
        "MsgType": "text",
        "MsgId": 4363689963896700987,
    }

    assert dedup_key(message) == "msg:4363689963896700987"
    assert dedup_key(MEDIA_CHECK) == "trace:60f96f1d-3845297a-1976a3ae"

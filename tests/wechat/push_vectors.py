"""Worked examples of WeChat's message-push crypto, verbatim, shared by the push tests."""

from __future__ import annotations

# --- Official vectors ------------------------------------------------------------------------
# Source: WeChat's message-push document, "消息推送" → 开发者服务器接收消息推送,
# https://developers.weixin.qq.com/miniprogram/dev/framework/server-ability/message-push.html
# (sections 发起验证, 消息解密方式为明文模式, 消息解密方式为安全模式 and the reply that follows).
OFFICIAL_TOKEN = "AAAAA"
OFFICIAL_AES_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
OFFICIAL_APPID = "wxba5fad812f8e6fb9"
# 发起验证 (GET)
OFFICIAL_GET = {
    "signature": "f464b24fc39322e44b38aa78f5edd27bd1441696",
    "echostr": "4375120948345356249",
    "timestamp": "1714036504",
    "nonce": "1514711492",
}
# 明文模式 (POST)
OFFICIAL_PLAIN = {
    "signature": "899cf89e464efb63f54ddac96b0a0a235f53aa78",
    "timestamp": "1714037059",
    "nonce": "486452656",
}
# 安全模式 (POST): URL query, the body's Encrypt, the decrypted message and its random prefix.
OFFICIAL_AES = {
    "signature": "6c5c811b55cc85e0e1b54100749188c20beb3f5d",
    "timestamp": "1714112445",
    "nonce": "415670741",
    "openid": "o9AgO5Kd5ggOC-bXrbNODIiE3bGY",
    "encrypt_type": "aes",
    "msg_signature": "046e02f8204d34f8ba5fa3b1db94908f3df2e9b3",
}
OFFICIAL_ENCRYPT = (
    "+qdx1OKCy+5JPCBFWw70tm0fJGb2Jmeia4FCB7kao+/Q5c/ohsOzQHi8khUOb05JCpj0JB4RvQMkUyus8TPxLKJGQqcvZ"
    "qzDpVzazhZv6JsXUnnR8XGT740XgXZUXQ7vJVnAG+tE8NUd4yFyjPy7GgiaviNrlCTj+l5kdfMuFUPpRSrfMZuMcp3Fn2P"
    "ede2IuQrKEYwKSqFIZoNqJ4M8EajAsjLY2km32IIjdf8YL/P50F7mStwntrA2cPDrM1kb6mOcfBgRtWygb3VIYnSeOBreb"
    "ufAlr7F9mFUPAJGj04="
)
OFFICIAL_MESSAGE = (
    '{"ToUserName":"gh_97417a04a28d","FromUserName":"o9AgO5Kd5ggOC-bXrbNODIiE3bGY",'
    '"CreateTime":1714112445,"MsgType":"event","Event":"debug_demo","debug_str":"hello world"}'
)
OFFICIAL_RANDOM = b"a8eedb185eb2fecf"
# 回包 (encrypted reply)
OFFICIAL_REPLY_MESSAGE = '{"demo_resp":"good luck"}'
OFFICIAL_REPLY_RANDOM = b"707722b803182950"
OFFICIAL_REPLY = {
    "Encrypt": (
        "ELGduP2YcVatjqIS+eZbp80MNLoAUWvzzyJxgGzxZO/5sAvd070Bs6qrLARC9nVHm48Y4hyRbtzve1L32tmxSQ=="
    ),
    "MsgSignature": "1b9339964ed2e271e7c7b6ff2b0ef902fc94dea1",
    "TimeStamp": 1713424427,
    "Nonce": "415670741",
}

# --- wechatpy's vectors ----------------------------------------------------------------------
# Source: wechatpy/wechatpy tests/test_crypto.py (WeChatCrypto; test_encrypt_message and
# test_decrypt_message, whose random prefix is mocked as "1234567890123456"). Same scheme; the
# "appid" there is a WeCom corp id.
WP_TOKEN = "123456"
WP_AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR"
WP_APPID = "wx49f0ab532d5d035a"
WP_TIMESTAMP, WP_NONCE = "1411525903", "461056294"
WP_REPLY = """<xml>
<MsgType><![CDATA[text]]></MsgType>
<Content><![CDATA[test]]></Content>
<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>
<ToUserName><![CDATA[messense]]></ToUserName>
<AgentID>1</AgentID>
<CreateTime>1411525903</CreateTime>
</xml>"""
WP_REPLY_ENCRYPT = (
    "9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8G"
    "qxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1"
    "qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0"
    "RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiK"
    "zHo3"
)
WP_REPLY_SIGNATURE = "407518b7649e86ef23978113f92d27afa9296533"
WP_INBOUND_ENCRYPT = (
    "RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTye"
    "DXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBu"
    "g/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZl"
    "F3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb"
    "++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0="
)
WP_INBOUND_SIGNATURE = "74d92dfeb87ba7c714f89d98870ae5eb62dff26d"

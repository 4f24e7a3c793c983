"""The merchants' alliance (青年会客厅 / 商圈联盟): shops and the people who act for them."""

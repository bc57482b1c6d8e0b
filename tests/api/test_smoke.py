def test_contact_round_trip(api):
    created = api("POST", "/contacts", {"name": "Jane Doe", "topics": ["Podcasting"]})
    assert created.status_code == 201, created.json
    got = api("GET", f"/contacts/{created.json['id']}")
    assert got.json["topics"] == ["podcasting"]

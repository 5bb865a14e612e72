from policy_timeline.stories import key_from_path


def test_key_from_path_is_the_stem_as_an_id() -> None:
    assert key_from_path("stories/us-china.yaml") == "us-china"
    assert key_from_path("/x/US China 2025.yml") == "us-china-2025"
    assert key_from_path("timeline.yaml") == "timeline"
    assert key_from_path("___.yaml") == "story"

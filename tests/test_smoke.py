def test_home_page_answers_in_each_language(client, places):
    for prefix, word in (("", "Featured producers"), ("/th", 'lang="th"'), ("/ja", 'lang="ja"')):
        response = client.get(f"{prefix}/")
        assert response.status_code == 200
        assert word in response.content.decode()

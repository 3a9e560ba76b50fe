"""Signing in and out as a person does, for the journeys that need an account."""

PASSWORD = "un mot de passe pour le test"


def log_in(visitor, username: str, then: str):
    """The front-end login form, then the page `then` it sends the person to."""
    page = visitor.open(f"/compte/connexion/?next={then}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name="Se connecter").click()
    return page


def log_out(visitor):
    # From "Mon espace", where the button always is (the admin has its own).
    visitor.open("/compte/mon-espace/")
    with visitor.page.expect_navigation(wait_until="load"):
        visitor.page.get_by_role("button", name="Se déconnecter").first.click()

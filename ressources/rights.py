"""Who may do what on the wiki, from the same data as the rest of the site's rights.

Participants hold add, change and publish on the wiki's subtree (ressources/setup.py). In
Wagtail those also allow unpublishing, moving and deleting: those stay with the facilitators
and administrators (ressources/wagtail_hooks.py asks `may_withdraw`).
"""

from wagtail.models import Page

from website.setup import FACILITATORS


def may_withdraw(user) -> bool:
    """May unpublish, move or delete resources: facilitators and administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=FACILITATORS).exists()


def may_edit(user, page: Page) -> bool:
    # Visitors never hold page permissions: no query for them.
    return user.is_authenticated and page.permissions_for_user(user).can_edit()


def may_add_under(user, page: Page) -> bool:
    return user.is_authenticated and page.permissions_for_user(user).can_add_subpage()


def is_in_wiki(page: Page) -> bool:
    from ressources.models import RessourceIndexPage, RessourcePage

    return issubclass(page.specific_class or Page, RessourceIndexPage | RessourcePage)

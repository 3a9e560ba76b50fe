"""Page-permission sets, as Wagtail codenames, granted per subtree by each app's setup."""

FULL_PAGE_PERMISSIONS = [
    "add_page",
    "change_page",
    "delete_page",
    "publish_page",
    "lock_page",
    "unlock_page",
]
# Write and publish; unpublishing, moving and deleting stay with the facilitators.
CONTRIBUTOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]

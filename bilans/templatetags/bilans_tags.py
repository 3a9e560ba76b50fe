from django import template

register = template.Library()


@register.filter
def action_for(item_actions: dict | None, item_id):
    """The action an item became, if any (`item_actions` maps item ids to actions)."""
    return (item_actions or {}).get(item_id)


@register.filter
def answers_for(interviews, group) -> list:
    """A cross-interview group's answers in the order of the question grid."""
    return interviews.answers_by_question(group)


@register.simple_tag(takes_context=True)
def subpage_url(context, page, name: str, *args) -> str:
    """The URL of one of a routable page's routes (the request keeps the site's root paths, so
    a list of links costs no query per link)."""
    return page.get_url(context.get("request")) + page.reverse_subpage(name, args=args)

"""``{% forums_with_published_commitments as forums %}``: the fora whose agreements the
public can read (the dialogue front page links to them)."""

from __future__ import annotations

from django import template

from fastlege.dialogue.models import Forum

register = template.Library()


@register.simple_tag
def forums_with_published_commitments() -> list[Forum]:
    return list(Forum.objects.filter(commitments__published=True).distinct().order_by("name"))

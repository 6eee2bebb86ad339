"""``errorops diff``: what a change to this repository does to each stack, in a reviewer's words.

plan_at.py        materialise a revision's tree and plan it with that tree's own code
compare.py        resources by (stack, type, logical name): added, removed, changed; the
                  words come from errorops.describe, as the plan table's do
render_text.py    plain text for a terminal
render_markdown.py  a pull-request comment
both_sides.py     plan the base and the working tree; compare them
"""

import time
from fastlege.web.tests.test_language import shared_world  # noqa
from fastlege.web.tests import test_language as t
def test_prof(shared_world, db):
    c = shared_world.client("national")
    orig = c.get
    times = []
    def timed(url, *a, **k):
        t0 = time.time(); r = orig(url, *a, **k); times.append((time.time()-t0, url)); return r
    c.get = timed
    t.crawl(c, ["/admin/"], admin=True)
    times.sort(reverse=True)
    open("/tmp/prof.txt","w").write(f"total {sum(x for x,_ in times):.1f}\n" + "\n".join(f"{a:.2f} {u}" for a,u in times[:25]))

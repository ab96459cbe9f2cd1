#include <cstdio>
#include <set>
#include <string>
typedef long long ll;
#define LIM 100010
static std::set<ll> friends[LIM], rivals[LIM];
std::string label[LIM];

ll max(ll a, ll b) { return a > b ? a : b; }

int main() {
    int n, m;
    if (scanf("%d %d", &n, &m) != 2) return 0;
    for (int i = 0; i < m; i++) {
        int kind, u, v;
        scanf("%d %d %d", &kind, &u, &v);
        std::set<ll>& into = kind == 1 ? friends[u] : rivals[u];
        into.insert(v);
        label[u] += kind == 1 ? 'f' : 'r';
    }
    ll best = 0;
    for (int u = 1; u <= n; u++)
        best = max(best, (ll)friends[u].size() - (ll)rivals[u].size());
    printf("%lld %s\n", best, label[1].c_str());
}

#include <cstdio>
#include <set>
#include <string>
typedef long long ll;
#define LIM 100010
#include <cstddef>
#include <new>
// T[N] whose elements are constructed on first use: a T[N] builds all N at startup.
template <class T, std::size_t N>
struct pie_lazy_array {
    alignas(T) unsigned char raw[N][sizeof(T)];
    bool made[N];
    T& operator[](std::size_t i) {
        if (!made[i]) {
            ::new (static_cast<void*>(raw[i])) T();
            made[i] = true;
        }
        return *std::launder(reinterpret_cast<T*>(raw[i]));
    }
    ~pie_lazy_array() {
        for (std::size_t i = N; i-- > 0;)
            if (made[i]) std::launder(reinterpret_cast<T*>(raw[i]))->~T();
    }
};
static pie_lazy_array<std::set<ll>, (LIM)> friends; static pie_lazy_array<std::set<ll>, (LIM)> rivals;
pie_lazy_array<std::string, (LIM)> label;

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

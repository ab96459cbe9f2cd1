#include <bits/stdc++.h>
using namespace std;

const int MAXN = 200005;
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
pie_lazy_array<vector<int>, (MAXN)> adj;
int depth[MAXN];

int deepest(int root, int n) {
    int best = 0;
    queue<int> q;
    for (int i = 1; i <= n; i++) depth[i] = -1;
    depth[root] = 0;
    q.push(root);
    while (!q.empty()) {
        int u = q.front();
        q.pop();
        best = max(best, depth[u]);
        for (int v : adj[u]) {
            if (depth[v] < 0) {
                depth[v] = depth[u] + 1;
                q.push(v);
            }
        }
    }
    return best;
}

int main() {
    int n;
    scanf("%d", &n);
    for (int i = 1; i < n; i++) {
        int a, b;
        scanf("%d %d", &a, &b);
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    printf("%d\n", deepest(1, n));
}

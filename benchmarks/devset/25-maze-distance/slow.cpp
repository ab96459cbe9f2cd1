#include <bits/stdc++.h>
using namespace std;

int main() {
    int h, w;
    cin >> h >> w;
    vector<string> g(h);
    for (int i = 0; i < h; i++) cin >> g[i];
    map<pair<int, int>, int> dist;
    queue<pair<int, int>> q;
    dist[{0, 0}] = 0;
    q.push({0, 0});
    int dr[4] = {1, -1, 0, 0}, dc[4] = {0, 0, 1, -1};
    while (!q.empty()) {
        auto [r, c] = q.front();
        q.pop();
        for (int k = 0; k < 4; k++) {
            int nr = r + dr[k], nc = c + dc[k];
            if (nr < 0 || nc < 0 || nr >= h || nc >= w || g[nr][nc] == '#') continue;
            if (dist.count({nr, nc})) continue;
            dist[{nr, nc}] = dist[{r, c}] + 1;
            q.push({nr, nc});
        }
    }
    if (dist.count({h - 1, w - 1})) cout << dist[{h - 1, w - 1}] << endl;
    else cout << -1 << endl;
    cout << dist.size() << endl;
}

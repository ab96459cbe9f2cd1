#include <bits/stdc++.h>
using namespace std;

int main() {
    int h, w;
    cin >> h >> w;
    vector<string> g(h);
    for (int i = 0; i < h; i++) cin >> g[i];
    vector<int> dist(h * w, -1);
    vector<int> q;
    q.reserve(h * w);
    dist[0] = 0;
    q.push_back(0);
    int dr[4] = {1, -1, 0, 0}, dc[4] = {0, 0, 1, -1};
    for (size_t head = 0; head < q.size(); head++) {
        int r = q[head] / w, c = q[head] % w;
        for (int k = 0; k < 4; k++) {
            int nr = r + dr[k], nc = c + dc[k];
            if (nr < 0 || nc < 0 || nr >= h || nc >= w || g[nr][nc] == '#') continue;
            int id = nr * w + nc;
            if (dist[id] >= 0) continue;
            dist[id] = dist[q[head]] + 1;
            q.push_back(id);
        }
    }
    cout << dist[h * w - 1] << "\n" << q.size() << "\n";
}

#include <bits/stdc++.h>
using namespace std;

int main() {
    int h, w; cin >> h >> w; vector<string> g(h); for (auto &row : g) cin >> row;
    int comps = 0, best = 0; vector<pair<int,int>> q; q.reserve(h * w);
    for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) if (g[r][c] == '.') {
        comps++; q.clear(); q.push_back({r, c}); g[r][c] = '#';
        for (size_t i = 0; i < q.size(); i++) {
            auto [y, x] = q[i]; int dy[] = {1, -1, 0, 0}, dx[] = {0, 0, 1, -1};
            for (int k = 0; k < 4; k++) { int ny = y + dy[k], nx = x + dx[k];
                if (ny >= 0 && nx >= 0 && ny < h && nx < w && g[ny][nx] == '.') { g[ny][nx] = '#'; q.push_back({ny, nx}); } }
        }
        best = max(best, (int)q.size());
    }
    cout << comps << " " << best << "\n";
}

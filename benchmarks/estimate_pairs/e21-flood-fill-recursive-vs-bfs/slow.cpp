#include <bits/stdc++.h>
using namespace std;

int h, w; vector<string> g;
int fill(int r, int c) {
    if (r < 0 || c < 0 || r >= h || c >= w || g[r][c] != '.') return 0;
    g[r][c] = '#'; return 1 + fill(r + 1, c) + fill(r - 1, c) + fill(r, c + 1) + fill(r, c - 1);
}
int main() {
    cin >> h >> w; g.resize(h); for (auto &row : g) cin >> row;
    int comps = 0, best = 0;
    for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) if (g[r][c] == '.') { comps++; best = max(best, fill(r, c)); }
    cout << comps << " " << best << "\n";
}

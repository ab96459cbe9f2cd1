#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    int h, w;
    cin >> h >> w;
    vector<string> grid(h);
    for (auto &row : grid) cin >> row;
    vector<vector<long long>> ways(h + 1, vector<long long>(w + 1, 0));
    for (int r = h - 1; r >= 0; r--) {
        for (int c = w - 1; c >= 0; c--) {
            if (grid[r][c] == '#') continue;
            if (r == h - 1 && c == w - 1) {
                ways[r][c] = 1;
                continue;
            }
            ways[r][c] = (ways[r + 1][c] + ways[r][c + 1]) % 1000000007;
        }
    }
    cout << ways[0][0] << "\n";
    return 0;
}

#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    int h, w;
    cin >> h >> w;
    vector<string> grid(h);
    for (auto& row : grid) cin >> row;
    int hashes = 0;
    for (int i = 0; i < h; i++) {
        const string& row = grid[i];
        for (int j = 0; j < w; j++) hashes += row[j] == '#';
    }
    const vector<string>& copy = grid;
    cout << hashes << " " << copy.size() << "\n";
}

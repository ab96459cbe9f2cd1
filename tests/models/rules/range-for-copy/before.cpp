#include <iostream>
#include <string>
#include <vector>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<string> words(n);
    for (auto& w : words) cin >> w;
    vector<vector<int>> rows(n, vector<int>(50, 1));
    long long letters = 0, cells = 0;
    for (int round = 0; round < 3; round++) {
        for (auto w : words) letters += w.size() + (w[0] == 'a');
        for (vector<int> row : rows)
            for (int x : row) cells += x;
    }
    cout << letters << " " << cells << "\n";
}

#include <iostream>
#include <vector>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<long long> squares;
    for (int i = 0; i < n; i++) {
        long long x = (long long)i * i;
        squares.push_back(x % 1000);
    }
    vector<vector<int>> rows;
    for (int i = 1; i <= n; i++) rows.push_back(vector<int>(3, i));
    long long total = 0;
    for (long long s : squares) total += s;
    cout << total << " " << rows.size() << "\n";
}

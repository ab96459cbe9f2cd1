#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<pair<int, int>> v = {{1, 2}};
    long long s = 0;
    for (auto p : v) s += p.first;
    cout << s << "\n";
}

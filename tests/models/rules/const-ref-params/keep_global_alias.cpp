#include <iostream>
#include <vector>
using namespace std;

vector<int> g;

int count_after_push(vector<int> v) {
    g.push_back(1);
    return (int)v.size();
}

int main() {
    g = {1, 2};
    cout << count_after_push(g) << "\n";
}
